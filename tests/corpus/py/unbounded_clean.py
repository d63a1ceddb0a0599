import numpy as np


def export(cur, session, mask, a, b, df):
    cur.execute("SELECT * FROM events ORDER BY id LIMIT 100")
    rows = cur.fetchall()
    users = session.query(User).limit(50).all()
    recent = Order.objects.all()[:20]
    ok = np.all(mask) and (a == b).all() and df.isna().all()
    first = session.query(User).first()
    return rows, users, recent, ok, first
