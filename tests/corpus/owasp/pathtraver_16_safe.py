"""An OWASP Benchmark-style case: pathtraver #16."""

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


@app.route("/pathtraver-16", methods=["GET", "POST"])
def pathtraver_16():
    param = request.args.get("q", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    with open(f"/srv/files/{bar}", "w") as fh:
        fh.write("x")
    return "done"
