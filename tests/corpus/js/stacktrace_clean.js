const express = require("express");

const app = express();

app.get("/orders", async (req, res) => {
  try {
    res.json(await loadOrders());
  } catch (err) {
    logger.error(err);
    res.status(500).json({ error: "internal error" });
  }
});
