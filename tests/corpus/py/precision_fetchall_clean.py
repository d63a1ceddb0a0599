# fetchall() of the catalog, of one row, or passed on by a cursor's own fetch method.


def index_columns(db, index):
    column_sql = f"PRAGMA index_info({quote(index)})"
    return [name for _seq, _cid, name in db.execute(column_sql).fetchall()]


def foreign_keys(conn, table):
    return conn.execute(f"PRAGMA foreign_key_list([{table}])").fetchall()


def fts_sql(table):
    return "select name from sqlite_master where rootpage = 0 and sql like ?", [f"%{table}%"]


def detect_fts(conn, table):
    sql, params = fts_sql(table)
    rows = conn.execute(sql, params).fetchall()
    return rows[0][0] if rows else None


def sqlite_version(db):
    return db.execute("select sqlite_version()").fetchall()[0]


def schemas(connection, query):
    query = query.where(pg_catalog.pg_namespace.c.nspname != "pg_toast")
    return connection.scalars(query).all()


class AsyncCursor:
    def fetchall(self):
        return await_(self._cursor.fetchall())
