"""An OWASP Benchmark-style case: cmdi #06."""

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


@app.route("/cmdi-06", methods=["GET", "POST"])
def cmdi_06():
    param = request.args.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode())).decode()
    subprocess.run(["sh", "-c", "echo " + bar], check=False)
    return "done"
