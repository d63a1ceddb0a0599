# Random digits do not clean what is appended to them.
import secrets


def scratch(conn, suffix):
    table_name = f"t{secrets.token_hex(4)}_{suffix}"
    conn.execute(f"create table {table_name} (name text)")  # expect: sql-interpolation
