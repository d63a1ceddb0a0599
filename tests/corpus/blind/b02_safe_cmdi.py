import os
from flask import request

from app import app


@app.route("/b02")
def b02():
    param = request.headers.get("b02", "")
    param = param.strip()
    sb = []
    sb.append(param)
    bar = "safe!"
    if len(sb) > 100:
        bar = sb[0]
    os.system("echo " + bar)
    return "ok"
