const jwt = require("jsonwebtoken");

const apiKey = "Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0L"; // expect: hardcoded-secret
const config = { password: "correct-horse-battery-staple" }; // expect: hardcoded-secret
const token = process.env.API_TOKEN || "a8f5f167f44f4964e6c998dee827110c"; // expect: hardcoded-secret

function sign(payload) {
  return jwt.sign(payload, "my-jwt-signing-secret"); // expect: hardcoded-secret
}

module.exports = { apiKey, config, token, sign };
