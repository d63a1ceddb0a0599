"""A checker that marks a query insecure: the flag names this code's own finding, not TLS."""


def check(call):
    insecure = False
    for arg in call.args:
        if isinstance(arg, str) and "%" in arg:
            insecure = True
    if call.kwargs.get("params") is None:
        insecure = True
    return insecure
