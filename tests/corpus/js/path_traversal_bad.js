const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();

app.get('/download', (req, res) => {
  res.sendFile(path.join(__dirname, 'uploads', req.query.file)); // expect: path-traversal
});

app.get('/logs/:name', (req, res) => {
  const { name } = req.params;
  const file = path.join('/var/log/shop', name);
  fs.readFile(file, 'utf8', (err, text) => res.send(text)); // expect: path-traversal
});
