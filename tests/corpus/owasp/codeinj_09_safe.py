"""An OWASP Benchmark-style case: codeinj #09."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-09", methods=["GET", "POST"])
def codeinj_09():
    param = request.cookies.get("pref", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    exec(bar)
    return "done"
