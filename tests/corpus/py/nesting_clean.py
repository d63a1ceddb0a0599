def process(orders):
    for order in orders:
        if not order.paid:
            continue
        for item in order.items:
            if item.kind == "a":
                ship_a(item)
            elif item.kind == "b":
                ship_b(item)
            elif item.kind == "c":
                ship_c(item)
            elif item.kind == "d":
                ship_d(item)
            elif item.kind == "e":
                ship_e(item)


def inner():
    def helper(xs):
        for x in xs:
            if x:
                with open(x) as fh:
                    return fh.read()
    for a in range(3):
        if a:
            while a:
                try:
                    return helper([a])
                finally:
                    a -= 1
