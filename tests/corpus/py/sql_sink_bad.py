# CWE-89: the query text is built from caller data on one line and run on a later one.
# The finding belongs on the line that sends the text to the database.
import logging

log = logging.getLogger(__name__)


def find_order(conn, order_id):
    query = "SELECT * FROM orders WHERE id = '" + order_id + "'"
    cur = conn.cursor()
    cur.execute(query)  # expect: sql-interpolation
    return cur.fetchone()


async def tag_rows(pool, tag):
    stmt = f"SELECT id FROM posts WHERE tag = '{tag}'"
    async with pool.acquire() as conn:
        rows = await conn.fetch(stmt)  # expect: sql-interpolation
    return rows


async def stream_rows(conn, owner):
    stmt = "SELECT * FROM files WHERE owner = '%s'" % owner
    async with conn.transaction():
        return await conn.cursor(stmt)  # expect: sql-interpolation


def rename(cur, old, new):
    sql = "UPDATE users SET name = '{}' WHERE name = '{}'".format(new, old)
    log.info("renaming %s", old)
    cur.execute(sql)  # expect: sql-interpolation


def build_only(user):
    where = f"SELECT * FROM audit WHERE actor = '{user}'"  # expect: sql-interpolation
    return where
