"""An OWASP Benchmark-style case: cmdi #01."""

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


@app.route("/cmdi-01", methods=["GET", "POST"])
def cmdi_01():
    param = request.args.get("q", "")
    bar = param
    os.system("echo " + bar)
    return "done"
