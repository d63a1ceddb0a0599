from flask import request

from app import app
import helpers.utils


@app.route("/b04")
def b04():
    RESPONSE = ""
    param = request.args.get("b04", "")
    bar = helpers.utils.escape_for_html(param)
    RESPONSE += "<p>" + bar + "</p>"
    return RESPONSE
