"""ORDER BY values go through allowlists."""

SORT_COLUMNS = {"name": "name", "created": "created_at"}
ALLOWED_DIRECTIONS = ("ASC", "DESC")


def list_users(cur, org_id, sort, direction, limit):
    cur.execute(f"SELECT * FROM users WHERE org_id = %s ORDER BY {SORT_COLUMNS[sort]}", (org_id,))
    first = cur.fetchone()
    column = SORT_COLUMNS.get(sort, "name")
    cur.execute(f"SELECT * FROM users WHERE org_id = %s ORDER BY {column}", (org_id,))
    second = cur.fetchone()
    if direction not in ALLOWED_DIRECTIONS:
        raise ValueError(direction)
    cur.execute(f"SELECT * FROM users WHERE org_id = %s ORDER BY name {direction}", (org_id,))
    cur.execute(f"SELECT * FROM users WHERE org_id = %s LIMIT {int(limit)}", (org_id,))
    return first, second, cur.fetchone()
