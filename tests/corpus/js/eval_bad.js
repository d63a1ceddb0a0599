const vm = require("vm");

function run(userCode, body, src, sandbox) {
  eval(userCode); // expect: eval-exec
  const f = new Function("a", "b", body); // expect: eval-exec
  setTimeout("tick()", 100); // expect: eval-exec
  return [f, vm.runInNewContext(src, sandbox)]; // expect: eval-exec
}

module.exports = { run };
