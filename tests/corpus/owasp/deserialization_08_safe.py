"""An OWASP Benchmark-style case: deserialization #08."""

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


@app.route("/deserialization-08", methods=["GET", "POST"])
def deserialization_08():
    param = request.headers.get("X-Custom", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    obj = pickle.loads(base64.b64decode(bar))
    return "done"
