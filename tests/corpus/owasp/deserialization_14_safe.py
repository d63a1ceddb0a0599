"""An OWASP Benchmark-style case: deserialization #14."""

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


@app.route("/deserialization-14", methods=["GET", "POST"])
def deserialization_14():
    param = request.cookies.get("pref", "")
    bar = param.strip()
    obj = yaml.safe_load(bar)
    return "done"
