const jwt = require("jsonwebtoken");

function user(req, key) {
  const claims = jwt.verify(req.headers.authorization, key, { algorithms: ["RS256"] });
  return claims.sub;
}

module.exports = { user };
