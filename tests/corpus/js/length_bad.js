const fs = require("fs");

function readUpload(req, res) {
  const name = req.query.name;
  if (name.length > 64) {
    return res.status(400).end();
  }
  fs.readFile("/srv/uploads/" + name, (err, data) => res.send(data));
}

module.exports = { readUpload };
