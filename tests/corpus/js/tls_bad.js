const https = require("https");

const agent = new https.Agent({ rejectUnauthorized: false }); // expect: insecure-tls-verify
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"; // expect: insecure-tls-verify

module.exports = { agent };
