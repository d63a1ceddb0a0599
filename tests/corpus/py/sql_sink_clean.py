# Look-alikes of CWE-89: SQL-shaped text built from caller data that is only shown or logged,
# and queries that bind their values as parameters.
import logging

log = logging.getLogger(__name__)


def explain(order_id):
    print("SELECT * FROM orders WHERE id = '%s'" % order_id)
    log.debug(f"SELECT * FROM orders WHERE id = '{order_id}'")


def find_order(conn, order_id):
    query = "SELECT * FROM orders WHERE id = %s"
    log.info("UPDATE orders SET seen = 1 WHERE id = '" + order_id + "'")
    cur = conn.cursor()
    cur.execute(query, (order_id,))
    return cur.fetchone()


async def stream_rows(conn, owner):
    async with conn.transaction():
        return await conn.cursor("SELECT * FROM files WHERE owner = $1", owner)
