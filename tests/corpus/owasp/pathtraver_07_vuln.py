"""An OWASP Benchmark-style case: pathtraver #07."""

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


@app.route("/pathtraver-07", methods=["GET", "POST"])
def pathtraver_07():
    param = request.form.get("field", "")
    num = 106
    bar = param if (7 * 18) + num > 200 else "This_should_never_happen"
    with open(f"/srv/files/{bar}", "w") as fh:
        fh.write("x")
    return "done"
