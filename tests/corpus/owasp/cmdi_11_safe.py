"""An OWASP Benchmark-style case: cmdi #11."""

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


@app.route("/cmdi-11", methods=["GET", "POST"])
def cmdi_11():
    param = request.args.get("q", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    os.system("echo " + bar)
    return "done"
