"""Introspection reads the database's own catalog: its size is the schema's."""


def table_names(cursor):
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def columns(cursor, table):
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return cursor.fetchall()
