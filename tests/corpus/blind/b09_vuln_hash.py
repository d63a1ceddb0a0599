import base64
import hashlib
from flask import request

from app import app


@app.route("/b09", methods=["POST"])
def b09():
    param = request.form.get("b09", "")
    bar = param
    md = hashlib.new("md5")  # VULN weak-hash
    md.update(bar.encode("utf-8"))
    result = md.digest()
    with open("passwordFile.txt", "a") as fw:
        fw.write("hash_value=" + base64.b64encode(result).decode() + "\n")
    return "Sensitive value '" + bar + "' hashed and stored"
