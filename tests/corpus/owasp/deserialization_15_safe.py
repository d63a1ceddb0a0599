"""An OWASP Benchmark-style case: deserialization #15."""

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


@app.route("/deserialization-15", methods=["GET", "POST"])
def deserialization_15():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = do_something(param)
    obj = json.loads(bar)
    return "done"
