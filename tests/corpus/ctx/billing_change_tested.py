def total(items, discount=0):
    return sum(items) - discount
