from flask import make_response, request

from app import app


@app.route("/b13")
def b13():
    param = request.args.get("b13", "")
    str_ = param if param else "No cookie value supplied"
    response = make_response("Created cookie: 'SomeCookie': with value: '" + "x" + "' and secure flag set to: false")
    response.set_cookie("SomeCookie", value=str_, secure=False, httponly=True, path=request.path)  # VULN insecure-cookie
    return response
