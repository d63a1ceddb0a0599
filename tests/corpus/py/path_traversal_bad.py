import os
import shutil
from pathlib import Path

from flask import Flask, request, send_file

app = Flask(__name__)
UPLOADS = Path("/srv/uploads")


@app.route("/download")
def download():
    name = request.args.get("file")
    return send_file(os.path.join("/srv/uploads", name))  # expect: path-traversal


@app.route("/files/<path:name>")
def show(name):
    with open(f"/srv/files/{name}") as fh:  # expect: path-traversal
        return fh.read()


def cleanup(request):
    target = UPLOADS / request.POST["dir"]  # expect: path-traversal
    shutil.rmtree(target)  # expect: path-traversal
