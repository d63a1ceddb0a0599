class Response:
    def __init__(self):
        self.status_code = 0
        self.reason = ""
        self.headers = {}

    @property
    def ok(self):
        return self.status_code < 400

    def json(self, **kwargs):
        return {}

    def raise_for_status(self):
        return None
