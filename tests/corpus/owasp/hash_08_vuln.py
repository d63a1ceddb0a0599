"""An OWASP Benchmark-style case: hash #08."""

from flask import Flask, make_response, request, session
import base64
import hashlib

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/hash-08", methods=["GET", "POST"])
def hash_08():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    hash_value = hashlib.new("md5", bar.encode()).hexdigest()
    with open("passwordFile.txt", "a") as out:
        out.write("hash_value=" + hash_value + "\n")
    return "done"
