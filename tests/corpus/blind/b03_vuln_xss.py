import urllib.parse
from flask import request

from app import app


@app.route("/b03")
def b03():
    RESPONSE = ""
    param = request.args.get("b03")
    if not param:
        param = ""
    param = urllib.parse.unquote(param)
    bar = param.split(" ")[0]
    RESPONSE += "Formatted like: " + bar + " and done."  # VULN xss-unescaped-render
    return RESPONSE
