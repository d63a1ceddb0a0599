"""Look-alike: the request value goes only into a response header of the (body, headers) tuple."""
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/echo")
def echo():
    note = request.args.get("note", "")
    return make_response(("<p>noted</p>", {"X-Note": note}))
