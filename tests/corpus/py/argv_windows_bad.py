# CWE-88 idiom: on Windows a command string without a shell is split into a command line,
# so request data placed after the program name becomes arguments.
import subprocess
import sys

from flask import Flask, request

app = Flask(__name__)


@app.route("/search")
def search():
    if sys.platform == "win32":
        # expect-next: shell-injection
        return subprocess.check_output("findstr /s {} *.log".format(request.args["q"]))
    return ""
