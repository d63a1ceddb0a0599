const serialize = require("node-serialize");

function profile(req) {
  return serialize.unserialize(req.cookies.profile); // expect: unsafe-deserialization
}

module.exports = { profile };
