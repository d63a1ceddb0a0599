"""An OWASP Benchmark-style case: cmdi #13."""

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


@app.route("/cmdi-13", methods=["GET", "POST"])
def cmdi_13():
    param = request.headers.get("X-Custom", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    subprocess.run(f"ls {bar}", shell=True, check=False)
    return "done"
