const { Pool } = require("pg");

const pool = new Pool();
const SORTABLE = { name: "name", created: "created_at" };

async function findUser(req, dir) {
  await pool.query("SELECT * FROM users WHERE id = $1", [req.params.id]);
  await pool.query(`SELECT * FROM items WHERE owner = $1 ORDER BY ${SORTABLE[req.query.sort] ?? "name"}`, [req.user.id]);
  const msg = `Select a file from ${dir}`;
  return msg;
}

module.exports = { findUser };
