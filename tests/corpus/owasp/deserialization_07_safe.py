"""An OWASP Benchmark-style case: deserialization #07."""

from flask import Flask, make_response, request, session
import base64
import json
import pickle
import yaml

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/deserialization-07", methods=["GET", "POST"])
def deserialization_07():
    param = request.form.get("field", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    obj = pickle.loads(base64.b64decode(bar))
    return "done"
