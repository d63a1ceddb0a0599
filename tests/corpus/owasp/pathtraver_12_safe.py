"""An OWASP Benchmark-style case: pathtraver #12."""

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


@app.route("/pathtraver-12", methods=["GET", "POST"])
def pathtraver_12():
    param = request.form.get("field", "")
    bar = ignore_input(param)
    content = pathlib.Path("/srv/files", bar).read_text()
    return "done"
