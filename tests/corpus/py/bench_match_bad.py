"""CWE-94/CWE-502: a match on a constant whose live case passes the request value on."""
import yaml
from flask import Flask, request

app = Flask(__name__)
MODE = "raw"


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "")
    match MODE:
        case "raw":
            code = expr
        case "safe":
            code = "0"
        case _:
            code = "1"
    return str(eval(code))


@app.route("/load", methods=["POST"])
def load():
    body = request.get_data(as_text=True)
    kind = "yaml"
    match kind:
        case "json" | "yaml":
            text = body
        case _:
            text = ""
    return str(yaml.load(text, Loader=yaml.Loader))
