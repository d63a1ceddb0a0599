"""An OWASP Benchmark-style case: cmdi #17."""

from flask import Flask, make_response, request, session
import base64
import os
import shlex
import subprocess

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/cmdi-17", methods=["GET", "POST"])
def cmdi_17():
    param = request.form.get("field", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    subprocess.run(["convert", bar, "out.png"], check=False)
    return "done"
