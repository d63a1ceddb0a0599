import hashlib
from flask import request

from app import app


@app.route("/b10", methods=["POST"])
def b10():
    param = request.form.get("b10", "")
    md = hashlib.sha3_256()
    md.update(param.encode("utf-8"))
    with open("passwordFile.txt", "a") as fw:
        fw.write("hash_value=" + md.hexdigest() + "\n")
    return "stored"
