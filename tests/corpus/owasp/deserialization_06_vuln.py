"""An OWASP Benchmark-style case: deserialization #06."""

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


@app.route("/deserialization-06", methods=["GET", "POST"])
def deserialization_06():
    param = request.args.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode())).decode()
    obj = yaml.unsafe_load(bar)
    return "done"
