from fastapi.middleware.cors import CORSMiddleware

CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.example\.com$"]


def setup(app):
    app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://[a-z]+\.example\.org$", allow_methods=["GET"])
