function run(regex, s, x) {
  setTimeout(() => tick(), 100);
  const m = regex.exec(s);
  return [m, JSON.parse(x)];
}

module.exports = { run };
