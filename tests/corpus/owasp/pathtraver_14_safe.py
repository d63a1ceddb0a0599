"""An OWASP Benchmark-style case: pathtraver #14."""

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


@app.route("/pathtraver-14", methods=["GET", "POST"])
def pathtraver_14():
    param = request.cookies.get("pref", "")
    guess = "ABC"
    switch_target = guess[1]
    if switch_target == "A":
        bar = param
    elif switch_target == "B":
        bar = "bob"
    else:
        bar = param
    os.remove("/srv/files/" + bar)
    return "done"
