"""An OWASP Benchmark-style case: cmdi #12."""

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


@app.route("/cmdi-12", methods=["GET", "POST"])
def cmdi_12():
    param = request.form.get("field", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    os.system("echo " + bar)
    return "done"
