"""An OWASP Benchmark-style case: hash #13."""

from flask import Flask, make_response, request, session
import base64
import hashlib

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/hash-13", methods=["GET", "POST"])
def hash_13():
    param = request.headers.get("X-Custom", "")
    bar = param
    hash_value = hashlib.sha512(bar.encode()).hexdigest()
    with open("passwordFile.txt", "a") as out:
        out.write("hash_value=" + hash_value + "\n")
    return "done"
