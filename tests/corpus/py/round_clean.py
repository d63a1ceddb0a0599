import os

import requests

UPSTREAM_TIMEOUT = 30  # the payment provider's p99 is 12 s; two tries fit the 30 s gateway budget
CONNECT_TIMEOUT = 3.05


def fetch(url, params):
    # 27 s: the upstream's documented read limit, under our 30 s gateway budget
    r = requests.get(url, timeout=(CONNECT_TIMEOUT, 27))
    again = requests.get(url, timeout=UPSTREAM_TIMEOUT)
    limit = int(os.getenv("FETCH_TIMEOUT", 30))
    short = requests.get(url, timeout=10)
    timeout = params.get("timeout", 300)
    return r, again, limit, short, timeout
