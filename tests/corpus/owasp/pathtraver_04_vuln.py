"""An OWASP Benchmark-style case: pathtraver #04."""

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


@app.route("/pathtraver-04", methods=["GET", "POST"])
def pathtraver_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    content = pathlib.Path("/srv/files", bar).read_text()
    return "done"
