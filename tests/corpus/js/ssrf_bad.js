const express = require('express');
const axios = require('axios');

const app = express();

app.get('/preview', async (req, res) => {
  const page = await fetch(req.query.url, { signal: AbortSignal.timeout(5000) }); // expect: ssrf
  res.send(await page.text());
});

app.post('/hooks', async (req, res) => {
  const target = req.body.callback;
  await axios.post(target, { ok: true }, { timeout: 5000 }); // expect: ssrf
  res.end();
});
