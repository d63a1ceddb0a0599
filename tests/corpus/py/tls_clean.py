import ssl

import requests


def secure(url):
    requests.get(url, verify="/etc/ssl/certs/internal-ca.pem", timeout=5)
    ctx = ssl.create_default_context()
    ctx.verify_mode = ssl.CERT_REQUIRED
    if ctx.verify_mode == ssl.CERT_NONE:
        raise RuntimeError("TLS verification is off")
    return ctx
