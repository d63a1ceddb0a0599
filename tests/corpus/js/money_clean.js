const Decimal = require("decimal.js");

function checkout(req, style) {
  const priceCents = Math.round(Number(req.body.priceCents));
  const opacity = parseFloat(style.opacity);
  const amount = new Decimal(req.body.amount);
  return { priceCents, opacity, amount };
}

module.exports = { checkout };
