import flask
from flask import request

from app import app


@app.route("/b15")
def b15():
    param = request.headers.get("Referer", "")
    bar = param
    flask.session[bar] = "10340"  # VULN trust-boundary-violation
    return "Item: 'userid' with value: '10340' saved in session."
