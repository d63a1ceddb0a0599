const express = require('express');
const axios = require('axios');

const app = express();

app.get('/items/:id', async (req, res) => {
  const item = await fetch(`https://api.example.com/items/${req.params.id}`, { signal: AbortSignal.timeout(5000) });
  res.json(await item.json());
});

app.get('/search', async (req, res) => {
  const found = await axios.get('https://api.example.com/search', { params: { q: req.query.q }, timeout: 5000 });
  res.json(found.data);
});
