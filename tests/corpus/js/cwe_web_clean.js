const express = require("express");
const crypto = require("crypto");
const { execFile } = require("child_process");

const app = express();

app.get("/go", (req, res) => {
  res.redirect("/profile");
});

app.post("/login", (req, res) => {
  req.session.visits = 1;
  res.cookie("sid", makeId(), { httpOnly: true, secure: true, sameSite: "lax" });
  res.send("ok");
});

app.get("/etag", (req, res) => {
  const etag = crypto.createHash("sha256").update(body).digest("hex");
  res.set("ETag", etag).send(body);
});

function fileChecksum(buf) {
  return crypto.createHash("md5").update(buf).digest("hex");
}

app.get("/ping", (req, res) => {
  execFile("ping", ["-c", "1", "localhost"], (err, out) => res.send(out));
});
