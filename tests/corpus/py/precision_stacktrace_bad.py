# The exception's text in what a view returns.
from flask import Flask

app = Flask(__name__)


@app.route("/import")
def run_import():
    try:
        return load()
    except Exception as e:
        return "import failed: %s" % e, 500  # expect: stacktrace-disclosure


@app.route("/sync")
def sync():
    try:
        return pull()
    except Exception as e:
        return {"error": e.args[0]}, 502  # expect: stacktrace-disclosure
