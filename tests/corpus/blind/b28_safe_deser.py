import yaml
from flask import request

from app import app


@app.route("/b28", methods=["POST"])
def b28():
    param = request.form.get("b28", "")
    obj = yaml.load(param, Loader=yaml.SafeLoader)
    return str(obj)
