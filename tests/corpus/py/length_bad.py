import os
import subprocess

from flask import abort, request, send_file


def download():
    name = request.args.get("name", "")
    if len(name) > 64:  # expect: length-only-validation
        abort(400)
    return send_file(os.path.join("/srv/files", name))


def checkout(branch):
    if len(branch) == 0:  # expect: length-only-validation
        raise ValueError("empty branch")
    subprocess.run(["git", "checkout", branch], check=True)
