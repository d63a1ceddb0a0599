import logging

from flask import Flask, jsonify

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.route("/orders")
def orders():
    try:
        return jsonify(load_orders())
    except ValueError as e:
        log.error(e)
        raise
    except Exception:
        log.exception("orders failed")
        return jsonify({"error": "internal error"}), 500


@app.route("/items")
def items():
    try:
        return jsonify(load_items())
    except LookupError as e:
        log.warning("lookup failed: %s", e)
        return jsonify({"error": "not found"}), 404
