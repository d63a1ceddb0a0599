"""An OWASP Benchmark-style case: cmdi #08."""

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


@app.route("/cmdi-08", methods=["GET", "POST"])
def cmdi_08():
    param = request.headers.get("X-Custom", "")
    parts = []
    parts.append("x")
    parts.append(param)
    bar = parts[-1]
    subprocess.run(["convert", bar, "out.png"], check=False)
    return "done"
