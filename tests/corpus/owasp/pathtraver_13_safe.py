"""An OWASP Benchmark-style case: pathtraver #13."""

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


@app.route("/pathtraver-13", methods=["GET", "POST"])
def pathtraver_13():
    param = request.headers.get("X-Custom", "")
    if (7 * 42) - 86 > 200:
        bar = "This_should_always_happen"
    else:
        bar = param
    os.remove("/srv/files/" + bar)
    return "done"
