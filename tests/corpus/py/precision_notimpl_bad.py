# Placeholders an AI change leaves: a whole body, a route stub, a branch "not yet" written.
import functools


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return fn(*args)
    return wrapper


@logged
def export_csv(rows):
    raise NotImplementedError()  # expect: unresolved-todo


@app.route("/refunds")
def refunds():
    raise NotImplementedError  # expect: unresolved-todo


def pay(order, method):
    if method == "card":
        return order.charge()
    raise NotImplementedError(f"{method} payments are not supported yet")  # expect: unresolved-todo


def ship(order, carrier):
    if carrier == "ups":
        raise NotImplementedError("UPS is not implemented yet")  # expect: unresolved-todo
    return order.ship(carrier)
