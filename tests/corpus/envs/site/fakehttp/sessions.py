from .models import Response


class Session:
    def __init__(self):
        self.headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    def request(self, method, url, params=None, data=None, json=None, headers=None, timeout=None, verify=True) -> Response:
        return Response()

    def get(self, url, **kwargs) -> Response:
        return self.request("GET", url, **kwargs)

    def close(self):
        return None
