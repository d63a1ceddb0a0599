"""An OWASP Benchmark-style case: codeinj #08."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-08", methods=["GET", "POST"])
def codeinj_08():
    param = request.headers.get("X-Custom", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    result = eval(bar)
    return "done"
