"""An OWASP Benchmark-style case: pathtraver #17."""

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


@app.route("/pathtraver-17", methods=["GET", "POST"])
def pathtraver_17():
    param = request.form.get("field", "")
    bar = param
    with open(os.path.join("/srv/files", secure_filename(bar))) as fh:
        content = fh.read()
    return "done"
