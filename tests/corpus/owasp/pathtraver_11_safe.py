"""An OWASP Benchmark-style case: pathtraver #11."""

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


@app.route("/pathtraver-11", methods=["GET", "POST"])
def pathtraver_11():
    param = request.args.get("q", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    content = pathlib.Path("/srv/files", bar).read_text()
    return "done"
