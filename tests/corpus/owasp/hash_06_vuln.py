"""An OWASP Benchmark-style case: hash #06."""

from flask import Flask, make_response, request, session
import base64
import hashlib

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/hash-06", methods=["GET", "POST"])
def hash_06():
    param = request.args.get("q", "")
    bar = do_something(param)
    hash_value = hashlib.sha1(bar.encode()).hexdigest()
    with open("passwordFile.txt", "a") as out:
        out.write("hash_value=" + hash_value + "\n")
    return "done"
