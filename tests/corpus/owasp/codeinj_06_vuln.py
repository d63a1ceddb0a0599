"""An OWASP Benchmark-style case: codeinj #06."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-06", methods=["GET", "POST"])
def codeinj_06():
    param = request.args.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode())).decode()
    result = eval("1 + " + bar)
    return "done"
