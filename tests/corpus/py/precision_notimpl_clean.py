# NotImplementedError that states a limit, or marks an identity, is not a placeholder.

_COMMUTATIVE = set()


def operator_fn(fn):
    _COMMUTATIVE.add(fn)
    return fn


@operator_fn
def comma_op(a, b):
    raise NotImplementedError()


def cursor(conn, server_side):
    if server_side:
        return conn.cursor(name="stream")
    else:
        raise NotImplementedError()


def ordered(query, transforms):
    if query.combinator and transforms:
        raise NotImplementedError("Ordering combined queries by transforms is not implemented.")
    return query.order_by()


def terminate(conn):
    try:
        stop = conn.stop
    except AttributeError as exc:
        raise NotImplementedError("terminate() needs a driver with stop()") from exc
    stop()
