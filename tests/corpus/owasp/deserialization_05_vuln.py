"""An OWASP Benchmark-style case: deserialization #05."""

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


@app.route("/deserialization-05", methods=["GET", "POST"])
def deserialization_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyB"]
    obj = yaml.unsafe_load(bar)
    return "done"
