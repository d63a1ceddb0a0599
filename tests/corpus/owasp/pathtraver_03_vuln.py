"""An OWASP Benchmark-style case: pathtraver #03."""

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


@app.route("/pathtraver-03", methods=["GET", "POST"])
def pathtraver_03():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    content = pathlib.Path("/srv/files", bar).read_text()
    return "done"
