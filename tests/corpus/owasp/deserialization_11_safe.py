"""An OWASP Benchmark-style case: deserialization #11."""

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


@app.route("/deserialization-11", methods=["GET", "POST"])
def deserialization_11():
    param = request.args.get("q", "")
    if (7 * 42) - 86 > 200:
        bar = "This_should_always_happen"
    else:
        bar = param
    obj = yaml.unsafe_load(bar)
    return "done"
