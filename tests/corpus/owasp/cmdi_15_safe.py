"""An OWASP Benchmark-style case: cmdi #15."""

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


@app.route("/cmdi-15", methods=["GET", "POST"])
def cmdi_15():
    param = (request.get_json(silent=True) or {}).get("value", "")
    if (7 * 42) - 86 > 200:
        bar = "This_should_always_happen"
    else:
        bar = param
    subprocess.run(["sh", "-c", "echo " + bar], check=False)
    return "done"
