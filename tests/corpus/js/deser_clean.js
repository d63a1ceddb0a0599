function profile(req) {
  return JSON.parse(req.cookies.profile);
}

module.exports = { profile };
