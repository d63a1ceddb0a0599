# Beside a balance, an amount is money.


def withdraw(account, amount: float):  # expect: float-money
    if account.balance < amount:
        raise ValueError("insufficient funds")
    account.balance -= amount
