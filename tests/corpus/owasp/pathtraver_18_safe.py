"""An OWASP Benchmark-style case: pathtraver #18."""

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


@app.route("/pathtraver-18", methods=["GET", "POST"])
def pathtraver_18():
    param = request.headers.get("X-Custom", "")
    bar = param.strip()
    with open(os.path.join("/srv/files", secure_filename(bar))) as fh:
        content = fh.read()
    return "done"
