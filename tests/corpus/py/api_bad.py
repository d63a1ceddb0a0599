import fakehttp
from fakehttp import Session, fetch_json  # expect: hallucinated-api


def load(url):
    r = fakehttp.get(url, retries=3, timeout=5)  # expect: hallucinated-api, round-number-timeout
    r.getStatusMessage()  # expect: hallucinated-api
    s = Session()
    s.fetch(url)  # expect: hallucinated-api
    fakehttp.download(url)  # expect: hallucinated-api
    return fetch_json(url)
