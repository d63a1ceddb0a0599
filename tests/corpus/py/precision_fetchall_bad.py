# fetchall() of a table that grows with the users, however the query reaches it.


def fetch_orders(db):
    return db.execute("SELECT * FROM orders").fetchall()  # expect: unbounded-materialization


def report(db, day):
    sql = "SELECT * FROM events WHERE day = ?"
    rows = db.execute(sql, (day,)).fetchall()  # expect: unbounded-materialization
    return rows


def run(db, sql, params):
    return db.execute(sql, params).fetchall()  # expect: unbounded-materialization
