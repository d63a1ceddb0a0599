"""An OWASP Benchmark-style case: cmdi #14."""

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


@app.route("/cmdi-14", methods=["GET", "POST"])
def cmdi_14():
    param = request.cookies.get("pref", "")
    bar = ignore_input(param)
    subprocess.run(f"ls {bar}", shell=True, check=False)
    return "done"
