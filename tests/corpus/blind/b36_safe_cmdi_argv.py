import subprocess
from flask import request

from app import app


@app.route("/b36")
def b36():
    count = int(request.args.get("n", "1"))
    out = subprocess.check_output(["ping", "-c", str(count), "localhost"])
    return out
