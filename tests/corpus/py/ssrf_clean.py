from urllib.parse import urlparse

import requests
from flask import Flask, request

app = Flask(__name__)
ALLOWED = {"images.example.com"}


@app.route("/items/<item_id>")
def item(item_id):
    return requests.get(f"https://api.example.com/items/{item_id}", timeout=5).json()


@app.route("/search")
def search():
    q = request.args.get("q", "")
    return requests.get("https://api.example.com/search", params={"q": q}, timeout=5).json()


@app.route("/image")
def image():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED:
        return "no", 400
    return requests.get(url, timeout=5).content


def status():
    return requests.get("https://status.example.com/", timeout=5).ok
