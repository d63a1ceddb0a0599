const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const BASE = path.resolve(__dirname, 'uploads');

app.get('/download', (req, res) => {
  const target = path.resolve(BASE, req.query.file);
  if (!target.startsWith(BASE + path.sep)) {
    return res.status(400).end();
  }
  res.sendFile(target);
});

app.get('/health', (req, res) => {
  fs.readFile(path.join(__dirname, 'health.txt'), 'utf8', (err, text) => res.send(text));
});
