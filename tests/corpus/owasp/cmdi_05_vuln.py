"""An OWASP Benchmark-style case: cmdi #05."""

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


@app.route("/cmdi-05", methods=["GET", "POST"])
def cmdi_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyB"]
    subprocess.run(["sh", "-c", "echo " + bar], check=False)
    return "done"
