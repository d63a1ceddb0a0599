import fakehttp
from fakehttp import Session
from fakehttp.lazy import anything


def load(url):
    r = fakehttp.get(url, params={"q": 1}, timeout=5)
    r.raise_for_status()
    s = Session()
    s.headers["X-Trace"] = "1"
    resp = s.get(url, verify=True)
    if hasattr(fakehttp, "download"):
        fakehttp.download(url)
    s.retries = 2
    print(s.retries, resp.reason, r.ok)
    return fakehttp.sessions.Session, anything
