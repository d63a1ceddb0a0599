"""An OWASP Benchmark-style case: deserialization #01."""

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


@app.route("/deserialization-01", methods=["GET", "POST"])
def deserialization_01():
    param = request.args.get("q", "")
    bar = param
    obj = pickle.loads(base64.b64decode(bar))
    return "done"
