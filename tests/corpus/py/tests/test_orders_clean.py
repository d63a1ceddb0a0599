def test_every_order_is_listed(db):
    db.execute("INSERT INTO orders (id) VALUES (1), (2)")
    rows = db.execute("SELECT id FROM orders ORDER BY id").fetchall()
    assert rows == [(1,), (2,)]
