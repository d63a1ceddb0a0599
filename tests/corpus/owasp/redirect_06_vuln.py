"""An OWASP Benchmark-style case: redirect #06."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-06", methods=["GET", "POST"])
def redirect_06():
    param = request.args.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode())).decode()
    return redirect(f"{bar}?from=login")
