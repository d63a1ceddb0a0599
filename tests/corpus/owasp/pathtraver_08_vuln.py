"""An OWASP Benchmark-style case: pathtraver #08."""

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


@app.route("/pathtraver-08", methods=["GET", "POST"])
def pathtraver_08():
    param = request.headers.get("X-Custom", "")
    parts = []
    parts.append("x")
    parts.append(param)
    bar = parts[-1]
    with open(f"/srv/files/{bar}", "w") as fh:
        fh.write("x")
    return "done"
