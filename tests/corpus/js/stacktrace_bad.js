const express = require("express");

const app = express();

app.get("/orders", async (req, res) => {
  try {
    res.json(await loadOrders());
  } catch (err) {
    res.status(500).json({ error: err.message }); // expect: stacktrace-disclosure
  }
});

app.get("/x", async (req, res) => {
  try {
    await doWork();
  } catch (e) {
    res.status(500).send(e); // expect: stacktrace-disclosure
  }
});

app.use((err, req, res, next) => {
  res.status(500).send(err.stack); // expect: stacktrace-disclosure
});
