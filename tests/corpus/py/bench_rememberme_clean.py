"""Look-alikes: the token comes from secrets; random only picks a greeting."""
import random
import secrets

from flask import Flask, make_response, request

app = Flask(__name__)
tokens: dict[str, str] = {}
greetings: dict[str, str] = {}


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    key = f"remember_me_{user}"
    tokens[key] = secrets.token_hex(32)
    greetings[f"greeting_{user}"] = random.choice(["hello", "hi", "welcome"])
    return make_response("welcome")
