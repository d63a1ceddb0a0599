"""An OWASP Benchmark-style case: cmdi #18."""

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


@app.route("/cmdi-18", methods=["GET", "POST"])
def cmdi_18():
    param = request.headers.get("X-Custom", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    subprocess.run(["convert", bar, "out.png"], check=False)
    return "done"
