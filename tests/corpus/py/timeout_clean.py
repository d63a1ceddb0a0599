from urllib.request import urlopen

import httpx
import requests


def fetch(url, opts):
    a = requests.get(url, timeout=10)
    b = requests.get(
        url,
        timeout=(3.05, 27),
    )
    c = httpx.get(url)
    d = urlopen(url, timeout=5).read()
    e = requests.get(url, **opts)
    return a, b, c, d, e
