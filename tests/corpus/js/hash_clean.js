const crypto = require("crypto");
const bcrypt = require("bcrypt");

async function store(user, password, fileBuffer) {
  user.etag = crypto.createHash("sha256").update(fileBuffer).digest("hex");
  user.hash = await bcrypt.hash(password, 12);
}

module.exports = { store };
