"""An OWASP Benchmark-style case: deserialization #13."""

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


@app.route("/deserialization-13", methods=["GET", "POST"])
def deserialization_13():
    param = request.headers.get("X-Custom", "")
    bar = param
    obj = yaml.safe_load(bar)
    return "done"
