import flask
from urllib.parse import urlparse
from flask import request

from app import app


@app.route("/b18")
def b18():
    param = request.args.get("b18", "")
    if urlparse(param).netloc not in ("", "example.com"):
        return "bad"
    return flask.redirect(param)
