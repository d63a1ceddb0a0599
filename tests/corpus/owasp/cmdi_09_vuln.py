"""An OWASP Benchmark-style case: cmdi #09."""

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


@app.route("/cmdi-09", methods=["GET", "POST"])
def cmdi_09():
    param = request.cookies.get("pref", "")
    bar = param
    os.popen("cat " + bar).read()
    return "done"
