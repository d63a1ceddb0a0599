"""An OWASP Benchmark-style case: codeinj #15."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-15", methods=["GET", "POST"])
def codeinj_15():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = do_something(param)
    result = eval(str(int(bar)) + ' * 2')
    return "done"
