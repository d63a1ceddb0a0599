from urllib.request import urlopen

import requests


def fetch(url):
    r = requests.get(url)  # expect: missing-timeout
    requests.post(url, json={}, timeout=None)  # expect: missing-timeout
    s = requests.Session()
    s.get(url)  # expect: missing-timeout
    body = urlopen(url).read()  # expect: missing-timeout
    return r, body
