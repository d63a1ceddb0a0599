"""An OWASP Benchmark-style case: pathtraver #20."""

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


@app.route("/pathtraver-20", methods=["GET", "POST"])
def pathtraver_20():
    param = (request.get_json(silent=True) or {}).get("value", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    with open(os.path.join("/srv/files", os.path.basename(bar))) as fh:
        content = fh.read()
    return "done"
