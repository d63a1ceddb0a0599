"""An OWASP Benchmark-style case: codeinj #05."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-05", methods=["GET", "POST"])
def codeinj_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyB"]
    result = eval("1 + " + bar)
    return "done"
