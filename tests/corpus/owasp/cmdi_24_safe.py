"""An OWASP Benchmark-style case: cmdi #24."""

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


@app.route("/cmdi-24", methods=["GET", "POST"])
def cmdi_24():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    subprocess.run(["convert", "in.png", "out.png"], check=False)
    return "done"
