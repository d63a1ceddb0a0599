// expect-next: hidden-unicode
const ㅤ = require("child_process");
function check(isAdmin) {
  /*‮ } ⁦if (isAdmin)⁩ ⁦ begin admins only */ // expect: hidden-unicode
  return isAdmin;
}
const payload = "ok󠁲󠁭󠀠󠀭󠁲󠁦"; // expect: hidden-unicode
module.exports = { check, payload };
