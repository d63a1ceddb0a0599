const axios = require("axios");

async function get(url) {
  const a = await fetch(url); // expect: missing-timeout
  const b = await fetch(url, { method: "POST" }); // expect: missing-timeout
  const c = await axios.get(url); // expect: missing-timeout
  return [a, b, c];
}

module.exports = { get };
