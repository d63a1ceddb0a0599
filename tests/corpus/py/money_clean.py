from decimal import Decimal


def checkout(request, x):
    price = Decimal(request.form["price"])
    price_cents = int(request.form["price_cents"])
    tax_rate = 0.2
    ratio = 0.5
    amount = Decimal("0.00")
    latitude = float(x)
    return price, price_cents, tax_rate, ratio, amount, latitude


def charge(amount: Decimal) -> None:
    send(amount)
