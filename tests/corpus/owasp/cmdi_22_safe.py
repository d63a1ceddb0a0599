"""An OWASP Benchmark-style case: cmdi #22."""

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


@app.route("/cmdi-22", methods=["GET", "POST"])
def cmdi_22():
    param = request.form.get("field", "")
    bar = param.strip()
    subprocess.run("echo " + shlex.quote(bar), shell=True, check=False)
    return "done"
