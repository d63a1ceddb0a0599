"""Look-alikes: a match on a constant whose live case drops the request value."""
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "")
    mode = "safe"
    match mode:
        case "raw":
            code = expr
        case "safe":
            code = "1 + 1"
        case _:
            code = expr
    return str(eval(code))


@app.route("/load", methods=["POST"])
def load():
    body = request.get_data(as_text=True)
    kind = "builtin"
    match kind:
        case "json" | "yaml":
            text = body
        case _:
            text = "greeting: hello"
    return str(yaml.load(text, Loader=yaml.Loader))
