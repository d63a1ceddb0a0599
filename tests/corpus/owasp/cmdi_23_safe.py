"""An OWASP Benchmark-style case: cmdi #23."""

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


@app.route("/cmdi-23", methods=["GET", "POST"])
def cmdi_23():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    subprocess.run(["convert", "in.png", "out.png"], check=False)
    return "done"
