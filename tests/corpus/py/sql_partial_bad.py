"""WHERE is bound, ORDER BY / LIMIT are interpolated (defects)."""


def list_users(cur, org_id, sort, direction, limit):
    cur.execute(f"SELECT * FROM users WHERE org_id = %s ORDER BY {sort} {direction}", (org_id,))  # expect: sql-partial-parameterization
    first = cur.fetchone()
    cur.execute("SELECT * FROM users WHERE org_id = %s LIMIT " + limit, (org_id,))  # expect: sql-partial-parameterization
    return first, cur.fetchone()


def from_table(cur, table, uid):
    cur.execute(f"SELECT name FROM {table} WHERE id = ?", (uid,))  # expect: sql-partial-parameterization
    return cur.fetchone()
