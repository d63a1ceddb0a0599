"""An OWASP Benchmark-style case: hash #04."""

from flask import Flask, make_response, request, session
import base64
import hashlib

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/hash-04", methods=["GET", "POST"])
def hash_04():
    param = request.cookies.get("pref", "")
    bar = do_something(param)
    digest = hashlib.new("sha1")
    digest.update(bar.encode())
    hash_value = digest.hexdigest()
    with open("passwordFile.txt", "a") as out:
        out.write("hash_value=" + hash_value + "\n")
    return "done"
