"""An OWASP Benchmark-style case: pathtraver #09."""

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


@app.route("/pathtraver-09", methods=["GET", "POST"])
def pathtraver_09():
    param = request.cookies.get("pref", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    with open(os.path.join("/srv/files", bar)) as fh:
        content = fh.read()
    return "done"
