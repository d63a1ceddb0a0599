"""An OWASP Benchmark-style case: weakrand #06."""

from flask import Flask, make_response, request, session
import base64
import random
import secrets

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/weakrand-06", methods=["GET", "POST"])
def weakrand_06():
    param = request.args.get("q", "")
    bar = do_something(param)
    bits = random.getrandbits(64)
    session["rememberMe"] = format(bits, "x")
    return "ok"
