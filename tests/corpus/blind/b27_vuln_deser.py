import base64
import pickle
from flask import request

from app import app


@app.route("/b27", methods=["POST"])
def b27():
    param = request.form.get("b27", "")
    bar = param
    obj = pickle.loads(base64.urlsafe_b64decode(bar))  # VULN unsafe-deserialization
    return str(obj)
