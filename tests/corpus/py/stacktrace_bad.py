import traceback

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/orders")
def orders():
    try:
        return jsonify(load_orders())
    except Exception as e:
        return jsonify({"error": str(e)}), 500  # expect: stacktrace-disclosure


@app.route("/report")
def report():
    try:
        return build_report()
    except Exception:
        return traceback.format_exc(), 500  # expect: stacktrace-disclosure


@app.route("/pay")
def pay():
    try:
        charge()
    except PaymentError as exc:
        return {"detail": f"payment failed: {exc}"}, 502  # expect: stacktrace-disclosure
    return {"ok": True}
