const crypto = require("crypto");

function pick(colors) {
  const jitter = Math.random() * 100;
  const color = colors[Math.floor(Math.random() * colors.length)];
  const token = crypto.randomBytes(32).toString("hex");
  return { jitter, color, token };
}

module.exports = { pick };
