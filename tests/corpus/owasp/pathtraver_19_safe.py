"""An OWASP Benchmark-style case: pathtraver #19."""

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


@app.route("/pathtraver-19", methods=["GET", "POST"])
def pathtraver_19():
    param = request.cookies.get("pref", "")
    bar = do_something(param)
    with open(os.path.join("/srv/files", os.path.basename(bar))) as fh:
        content = fh.read()
    return "done"
