"""Look-alike: the request path of a route with no variable part is the route's own constant path."""
import os

from flask import Flask, request

app = Flask(__name__)
DOCS = "/srv/docs"


@app.route("/docs/intro")
@app.route("/docs/install")
def doc():
    name = request.path.split("/", 2)[2]
    with open(os.path.join(DOCS, name + ".md")) as fh:
        return fh.read()
