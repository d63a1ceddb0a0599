import httpx
import requests
from flask import Flask, request
from urllib.request import urlopen

app = Flask(__name__)


@app.route("/preview")
def preview():
    url = request.args["url"]
    return requests.get(url, timeout=5).text  # expect: ssrf


@app.post("/hooks/<target>")
def hook(target):
    httpx.post(f"https://{target}/notify", json={}, timeout=5)  # expect: ssrf
    return "ok"


def fetch_avatar(request):
    link = request.GET.get("avatar")
    return urlopen(link, timeout=5).read()  # expect: ssrf
