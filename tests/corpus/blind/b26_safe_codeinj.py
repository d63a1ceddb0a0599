from flask import request

from app import app


@app.route("/b26")
def b26():
    param = request.args.get("b26", "")
    values = [param, "ok"]
    values.pop(0)
    bar = values[0]
    exec("x = '" + bar + "'")
    return "done"
