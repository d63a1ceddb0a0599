"""Parameterized queries and SQL-looking text that is not SQL."""

import logging

log = logging.getLogger(__name__)
TABLE = "users"


def find_user(cur, user_id, name, ids, elapsed, count, source, n, table):
    cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))
    cur.execute("SELECT * FROM users WHERE name = %(name)s", {"name": name})
    cur.execute("SELECT * FROM users WHERE id = ?", (user_id,))
    placeholders = ", ".join("?" for _ in ids)
    cur.execute(f"SELECT * FROM users WHERE id IN ({placeholders})", ids)
    cur.execute(f"SELECT * FROM {TABLE} WHERE id = %s", (user_id,))
    log.info(f"select took {elapsed} ms from cache")
    message = "Please select an item from the list"
    label = f"Selected {count} items from {source}"
    print("Deleted %d rows from %s" % (n, table))
    cur.execute("SELECT count(*) FROM users WHERE active = %s", (True,))
    return message, label, cur.fetchone()
