"""An OWASP Benchmark-style case: hash #05."""

from flask import Flask, make_response, request, session
import base64
import hashlib

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/hash-05", methods=["GET", "POST"])
def hash_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = param
    hash_value = hashlib.sha1(bar.encode()).hexdigest()
    with open("passwordFile.txt", "a") as out:
        out.write("hash_value=" + hash_value + "\n")
    return "done"
