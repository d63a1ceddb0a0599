const crypto = require("crypto");

function store(user, password) {
  user.hash = crypto.createHash("md5").update(password).digest("hex"); // expect: weak-password-hash
}

module.exports = { store };
