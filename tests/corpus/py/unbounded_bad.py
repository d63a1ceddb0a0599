def export(cur, session, path):
    cur.execute("SELECT * FROM events")
    rows = cur.fetchall()  # expect: unbounded-materialization
    users = session.query(User).all()  # expect: unbounded-materialization
    orders = Order.objects.all()  # expect: unbounded-materialization
    lines = open(path).readlines()  # expect: unbounded-materialization
    return rows, users, orders, lines
