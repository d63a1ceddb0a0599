function checkout(req, price) {
  const total = parseFloat(req.body.total); // expect: float-money
  const shown = price.toFixed(2); // expect: float-money
  let balance = 0.0; // expect: float-money
  return { total, shown, balance };
}

module.exports = { checkout };
