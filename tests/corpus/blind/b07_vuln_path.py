import codecs
from flask import request

from app import app
import helpers.utils


@app.route("/b07")
def b07():
    param = request.args.get("b07", "")
    bar = param.replace("x", "y")
    file_name = helpers.utils.TESTFILES_DIR + bar
    with codecs.open(file_name, "r", "utf-8") as fh:  # VULN path-traversal
        return fh.read()
