function load() {
  try {
    return read();
  } catch (e) {} // expect: swallowed-exception
}

function save(promise) {
  promise.catch(() => {}); // expect: swallowed-exception
  try {
    write();
  } catch {} // expect: swallowed-exception
}

module.exports = { load, save };
