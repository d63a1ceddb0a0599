"""An OWASP Benchmark-style case: deserialization #09."""

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


@app.route("/deserialization-09", methods=["GET", "POST"])
def deserialization_09():
    param = request.cookies.get("pref", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    obj = yaml.load(bar, Loader=yaml.Loader)
    return "done"
