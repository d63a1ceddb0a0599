"""An OWASP Benchmark-style case: codeinj #13."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-13", methods=["GET", "POST"])
def codeinj_13():
    param = request.headers.get("X-Custom", "")
    bar = param
    result = ast.literal_eval(bar)
    return "done"
