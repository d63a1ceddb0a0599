"""An OWASP Benchmark-style case: codeinj #01."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-01", methods=["GET", "POST"])
def codeinj_01():
    param = request.args.get("q", "")
    bar = param
    result = eval(bar)
    return "done"
