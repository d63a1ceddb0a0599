def line_total(price, qty, tax_rate=0.2):
    return round(price * qty * (1 + tax_rate), 2)


def notify(user, mailer):
    mailer.send(user.email, "Your order shipped")
