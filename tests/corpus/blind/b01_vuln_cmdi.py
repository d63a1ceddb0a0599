import subprocess
from flask import request

from app import app
from helpers.thing import ThingFactory


@app.route("/b01", methods=["POST"])
def b01():
    param = ""
    for name in request.form.keys():
        if "b01" in request.form.getlist(name):
            param = name
            break
    thing = ThingFactory.create_thing()
    bar = thing.do_something(param)
    args = ["sh", "-c", f"echo {bar}"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE)  # VULN shell-injection
    return proc.communicate()[0]
