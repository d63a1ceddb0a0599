"""An OWASP Benchmark-style case: redirect #15."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-15", methods=["GET", "POST"])
def redirect_15():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = do_something(param)
    return redirect(url_for("index", next=bar))
