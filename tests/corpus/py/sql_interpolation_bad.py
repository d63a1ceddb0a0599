"""Query helpers written with string building (defects)."""


def find_user(cur, user_id, name, email):
    cur.execute(f"SELECT * FROM users WHERE id = {user_id}")  # expect: sql-interpolation
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)  # expect: sql-interpolation
    cur.execute("SELECT id FROM users WHERE email = '{}'".format(email))  # expect: sql-interpolation
    cur.execute("DELETE FROM sessions WHERE user_id = " + str(user_id))  # expect: sql-interpolation
    return cur.fetchone()


def rename(cur, user_id, name):
    query = "UPDATE users SET name = '%s' WHERE id = %d"
    cur.execute(query % (name, user_id))  # expect: sql-interpolation


def by_owner(cur, owner):
    sql = (
        "SELECT id, name FROM accounts "
        f"WHERE owner = '{owner}'"  # expect: sql-interpolation
    )
    cur.execute(sql)
    return cur.fetchone()


def by_status(cur, status):
    cur.execute("""
        SELECT * FROM orders
        WHERE status = '{status}'
    """.format(status=status))  # expect: sql-interpolation
    return cur.fetchone()


def search(cur, term):
    query = "SELECT * FROM products WHERE 1 = 1"
    query += " AND title LIKE '%" + term + "%'"  # expect: sql-interpolation
    cur.execute(query)
    return cur.fetchone()
