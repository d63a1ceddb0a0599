"""An OWASP Benchmark-style case: redirect #13."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-13", methods=["GET", "POST"])
def redirect_13():
    param = request.headers.get("X-Custom", "")
    bar = param
    return redirect("/profile/" + bar)
