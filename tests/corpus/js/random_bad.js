function reset(user) {
  const resetToken = Math.random().toString(36).slice(2); // expect: insecure-random
  user.resetToken = resetToken;
}

function generateOtp() {
  return Math.floor(Math.random() * 1e6); // expect: insecure-random
}

module.exports = { reset, generateOtp };
