def total(items, discount=0):  # expect: missing-tests
    return sum(items) - discount
