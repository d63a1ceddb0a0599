def refund(order):
    # TODO: handle partial refunds  (expect: unresolved-todo)
    return order.total


def export(rows):
    raise NotImplementedError  # expect: unresolved-todo


def leak(conn):
    # FIXME this leaks the connection on error (expect: unresolved-todo)
    return conn.cursor()


def restock(order):
    raise NotImplementedError("refunds are not implemented yet")  # expect: unresolved-todo
