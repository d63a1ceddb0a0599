"""An OWASP Benchmark-style case: deserialization #04."""

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


@app.route("/deserialization-04", methods=["GET", "POST"])
def deserialization_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    obj = yaml.load(bar, Loader=yaml.Loader)
    return "done"
