from django.db import models


def checkout(request):
    price = float(request.form["price"])  # expect: float-money
    total = 0.0  # expect: float-money
    return price, total


def charge(amount: float) -> None:  # expect: float-money
    fee = amount * 0.029  # expect: float-money
    send(amount + fee)


class Order(models.Model):
    price = models.FloatField()  # expect: float-money
