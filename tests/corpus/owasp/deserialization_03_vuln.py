"""An OWASP Benchmark-style case: deserialization #03."""

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


@app.route("/deserialization-03", methods=["GET", "POST"])
def deserialization_03():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    obj = yaml.load(bar, Loader=yaml.Loader)
    return "done"
