"""CWE-330: a "remember me" login token drawn from the random module and kept for the user."""
import random

from flask import Flask, make_response, request

app = Flask(__name__)
tokens: dict[str, str] = {}


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    key = f"remember_me_{user}"
    tokens[key] = str(random.getrandbits(64))
    resp = make_response("welcome")
    return resp
