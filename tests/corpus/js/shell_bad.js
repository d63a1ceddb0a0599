const { exec, spawn } = require("child_process");
const child_process = require("child_process");

function pack(name, dir, target, cmd) {
  exec(`tar czf ${name}.tgz ${dir}`); // expect: shell-injection
  child_process.execSync("rm -rf " + target); // expect: shell-injection
  spawn("sh", ["-c", cmd], { shell: true }); // expect: shell-injection
}

module.exports = { pack };
