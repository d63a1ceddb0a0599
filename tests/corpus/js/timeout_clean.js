const axios = require("axios");

async function get(url, client) {
  const a = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const b = await axios.get(url, { timeout: 5000 });
  const c = await client.fetch(url);
  return [a, b, c];
}

module.exports = { get };
