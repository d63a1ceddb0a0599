import subprocess
from flask import request

from app import app


@app.route("/b35")
def b35():
    host = request.args["host"]
    out = subprocess.check_output(["ping", "-c", "1", host])  # VULN shell-injection
    return out
