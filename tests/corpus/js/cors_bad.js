const express = require("express");
const cors = require("cors");

const app = express();
app.use(cors()); // expect: cors-wildcard

app.get("/data", (req, res) => {
  res.setHeader("Access-Control-Allow-Origin", "*"); // expect: cors-wildcard
  res.json({});
});

const other = cors({ origin: true, credentials: true }); // expect: cors-wildcard

module.exports = { app, other };
