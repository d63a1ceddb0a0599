const express = require("express");
const crypto = require("crypto");
const ldap = require("ldapjs");
const xpath = require("xpath");
const libxmljs = require("libxmljs");
const { execFile } = require("child_process");

const app = express();

app.get("/go", (req, res) => {
  const target = req.query.next;
  res.redirect(target); // expect: open-redirect
});

app.post("/login", (req, res) => {
  const user = req.body.user;
  req.session.user = user; // expect: trust-boundary-violation
  res.cookie("sid", makeId(), { httpOnly: true }); // expect: insecure-cookie
  res.send("ok");
});

app.get("/dir", (req, res) => {
  const client = ldap.createClient({ url: "ldap://directory" });
  const name = req.query.name;
  client.search("dc=corp", { filter: `(uid=${name})` }, () => res.end()); // expect: ldap-injection
});

app.get("/x", (req, res) => {
  const id = req.query.id;
  res.json(xpath.select(`//user[@id='${id}']`, doc)); // expect: xpath-injection
});

app.post("/xml", (req, res) => {
  const parsed = libxmljs.parseXml(req.body.xml, { noent: true }); // expect: xml-external-entities
  res.send(parsed.root().name());
});

app.get("/reset", (req, res) => {
  const resetToken = crypto.createHash("md5").update(req.query.email).digest("hex"); // expect: weak-hash
  res.json({ resetToken });
});

app.get("/ping", (req, res) => {
  const host = req.query.host;
  execFile("ping", ["-c", "1", host], (err, out) => res.send(out)); // expect: shell-injection
});
