import ssl

import requests


def insecure(url):
    requests.get(url, verify=False, timeout=5)  # expect: insecure-tls-verify
    ctx = ssl.create_default_context()
    ctx.check_hostname = False  # expect: insecure-tls-verify
    ctx.verify_mode = ssl.CERT_NONE  # expect: insecure-tls-verify
    other = ssl._create_unverified_context()  # expect: insecure-tls-verify
    return ctx, other


def client(make_session):
    return make_session(base="https://api.internal", insecure=True)  # expect: insecure-tls-verify
