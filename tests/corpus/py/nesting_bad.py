def process(orders):
    for order in orders:
        if order.paid:
            for item in order.items:
                if item.in_stock:
                    if item.weight > 10:  # expect: deep-nesting
                        ship_heavy(item)
