# First-party code of a marketplace (seen at shop/vendors/payouts.py): "vendors/" is
# an app of the project, not a vendored library, so its TODOs still count.


def payout(vendor, orders):
    # TODO: hold back the disputed orders  (expect: unresolved-todo)
    return sum(o.net for o in orders)


def notify(vendor):
    try:
        vendor.mailer.send("paid")
    except Exception:  # expect: swallowed-exception
        pass
