const { Pool } = require("pg");

const pool = new Pool();

async function findUser(req) {
  await pool.query(`SELECT * FROM users WHERE id = ${req.params.id}`); // expect: sql-interpolation
  await pool.query("SELECT * FROM users WHERE email = '" + req.query.email + "'"); // expect: sql-interpolation
  await pool.query(`SELECT * FROM items WHERE owner = $1 ORDER BY ${req.query.sort}`, [req.user.id]); // expect: sql-partial-parameterization
}

module.exports = { findUser };
