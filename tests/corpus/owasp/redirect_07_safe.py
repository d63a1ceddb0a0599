"""An OWASP Benchmark-style case: redirect #07."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-07", methods=["GET", "POST"])
def redirect_07():
    param = request.form.get("field", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    return redirect(bar)
