"""An OWASP Benchmark-style case: cmdi #10."""

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


@app.route("/cmdi-10", methods=["GET", "POST"])
def cmdi_10():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = param.strip()
    os.popen("cat " + bar).read()
    return "done"
