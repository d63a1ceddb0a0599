import pathlib
from flask import request

from app import app


@app.route("/b08")
def b08():
    param = request.args.get("b08", "")
    num = 86
    if (7 * 42) - num > 200:
        bar = "This_should_always_happen"
    else:
        bar = param
    path = pathlib.Path("/srv/testfiles") / bar
    return path.read_text()
