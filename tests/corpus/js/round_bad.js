const axios = require("axios");

const client = axios.create({ baseURL: process.env.API, timeout: 30000 });  // the gateway allows 30 s

async function load(id) {
  const res = await axios.get(`/items/${id}`, { timeout: 60000 });
  return res.data;
}

module.exports = { client, load, retryOptions: { retries: 5 } };
