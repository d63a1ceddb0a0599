from flask import make_response, request

from app import app


@app.route("/b14")
def b14():
    param = request.args.get("b14", "")
    response = make_response("ok")
    response.set_cookie("SomeCookie", value=param, secure=True, httponly=True, path=request.path)
    return response
