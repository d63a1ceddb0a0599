"""CWE-918: a proxy view that lets the caller pick the upstream host through %-formatting."""
import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/avatar")
def avatar():
    region = request.args.get("region")
    user = request.args.get("user")
    return requests.get("https://%s/avatars/%s.png" % (region, user), timeout=5).content


@app.route("/status")
def status():
    node = request.args["node"]
    return requests.get("http://%s:8080/health" % node, timeout=5).text
