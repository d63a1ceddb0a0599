"""An OWASP Benchmark-style case: pathtraver #05."""

from flask import Flask, make_response, request, session
from werkzeug.utils import secure_filename
import base64
import os
import pathlib

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/pathtraver-05", methods=["GET", "POST"])
def pathtraver_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyB"]
    os.remove("/srv/files/" + bar)
    return "done"
