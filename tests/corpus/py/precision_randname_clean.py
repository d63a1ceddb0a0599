# A scratch table named with random hex digits: nothing in the name can end the statement.
import secrets
import uuid


def supports_strict(conn):
    table_name = f"t{secrets.token_hex(16)}"
    conn.execute(f"create table {table_name} (name text) strict")
    conn.execute(f"drop table {table_name}")


def scratch(conn):
    name = "tmp_" + uuid.uuid4().hex
    conn.execute(f"create temp table {name} (id integer)")
    return name
