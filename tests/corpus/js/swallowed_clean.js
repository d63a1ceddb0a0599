function load() {
  try {
    return read();
  } catch (e) {
    // optional file: a missing one is fine
  }
  try {
    return parse();
  } catch (e) {
    logger.warn(e);
    throw e;
  }
}

module.exports = { load };
