"""Look-alikes: %-formatting that fills only the path or query of a fixed host."""
import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/avatar")
def avatar():
    user = request.args.get("user")
    return requests.get("https://cdn.example.com/avatars/%s.png" % user, timeout=5).content


@app.route("/search")
def search():
    term = request.args["q"]
    return requests.get("https://api.example.com/search?q=%s&limit=%d" % (term, 10), timeout=5).json()
