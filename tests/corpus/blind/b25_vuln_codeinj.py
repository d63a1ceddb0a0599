from flask import request

from app import app


@app.route("/b25")
def b25():
    param = request.args.get("b25", "")
    bar = "".join(reversed(param))
    result = eval("'" + bar + "'.upper()")  # VULN eval-exec
    return str(result)
