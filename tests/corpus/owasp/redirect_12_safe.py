"""An OWASP Benchmark-style case: redirect #12."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-12", methods=["GET", "POST"])
def redirect_12():
    param = request.form.get("field", "")
    guess = "ABC"
    switch_target = guess[1]
    if switch_target == "A":
        bar = param
    elif switch_target == "B":
        bar = "bob"
    else:
        bar = param
    return redirect(f"{bar}?from=login")
