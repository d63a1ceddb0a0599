"""CWE-22: the request path of a route with a variable part names the file to read."""
import os

from flask import Flask, request

app = Flask(__name__)
DOCS = "/srv/docs"


@app.route("/docs/<path:page>")
def doc(page):
    name = request.path.split("/", 2)[2]
    with open(os.path.join(DOCS, name)) as fh:
        return fh.read()
