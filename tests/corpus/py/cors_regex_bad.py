from fastapi.middleware.cors import CORSMiddleware

CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.example\.com"]  # expect: cors-wildcard


def setup(app):
    app.add_middleware(CORSMiddleware, allow_origin_regex=".*", allow_methods=["GET"])  # expect: cors-wildcard


def flask_app(app):
    from flask_cors import CORS
    CORS(app, origins=[r".*"])  # expect: cors-wildcard
