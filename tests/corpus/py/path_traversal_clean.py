import os
from pathlib import Path

from flask import Flask, request, send_file

app = Flask(__name__)
BASE = Path("/srv/uploads").resolve()


@app.route("/download")
def download():
    name = os.path.basename(request.args.get("file", ""))
    return send_file(os.path.join("/srv/uploads", name))


@app.route("/report/<int:report_id>")
def report(report_id):
    return send_file(f"/srv/reports/{int(report_id)}.pdf")


@app.route("/raw")
def raw():
    path = (BASE / request.args["p"]).resolve()
    if not path.is_relative_to(BASE):
        return "no", 400
    return send_file(path)


def settings():
    with open("/etc/shop/settings.toml") as fh:
        return fh.read()
