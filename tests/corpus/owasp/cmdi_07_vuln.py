"""An OWASP Benchmark-style case: cmdi #07."""

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


@app.route("/cmdi-07", methods=["GET", "POST"])
def cmdi_07():
    param = request.form.get("field", "")
    num = 106
    bar = param if (7 * 18) + num > 200 else "This_should_never_happen"
    subprocess.run(["convert", bar, "out.png"], check=False)
    return "done"
