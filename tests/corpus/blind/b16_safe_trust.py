import flask
from flask import request

from app import app


def do_something(value):
    bar = "safe!"
    map1 = {}
    map1["keyA"] = "a_Value"
    map1["keyB"] = value
    map1["keyC"] = "another_Value"
    bar = map1["keyC"]
    return bar


@app.route("/b16")
def b16():
    param = request.args.get("b16", "")
    bar = do_something(param)
    flask.session["userid"] = bar
    return "saved"
