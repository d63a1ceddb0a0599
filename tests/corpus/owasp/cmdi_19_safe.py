"""An OWASP Benchmark-style case: cmdi #19."""

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


@app.route("/cmdi-19", methods=["GET", "POST"])
def cmdi_19():
    param = request.cookies.get("pref", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    os.popen("cat " + bar).read()
    return "done"
