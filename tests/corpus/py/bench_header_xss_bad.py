"""CWE-79: request data in the body of a (body, headers) response tuple."""
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/echo")
def echo():
    note = request.args.get("note", "")
    return make_response((f"<p>{note}</p>", {"X-Seen": "1"}))
