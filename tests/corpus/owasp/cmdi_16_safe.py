"""An OWASP Benchmark-style case: cmdi #16."""

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


@app.route("/cmdi-16", methods=["GET", "POST"])
def cmdi_16():
    param = request.args.get("q", "")
    guess = "ABC"
    switch_target = guess[1]
    if switch_target == "A":
        bar = param
    elif switch_target == "B":
        bar = "bob"
    else:
        bar = param
    subprocess.run(["sh", "-c", "echo " + bar], check=False)
    return "done"
