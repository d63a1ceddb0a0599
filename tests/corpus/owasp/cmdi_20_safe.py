"""An OWASP Benchmark-style case: cmdi #20."""

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


@app.route("/cmdi-20", methods=["GET", "POST"])
def cmdi_20():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = ignore_input(param)
    os.popen("cat " + bar).read()
    return "done"
