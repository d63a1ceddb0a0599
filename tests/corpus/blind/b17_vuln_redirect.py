import flask
from flask import request

from app import app


@app.route("/b17")
def b17():
    param = request.args.get("b17", "")
    bar = param[::-1][::-1]
    return flask.redirect(bar, code=302)  # VULN open-redirect
