import secrets
from flask import make_response, request, session

from app import app


@app.route("/b12")
def b12():
    rand = secrets.randbelow(2**32)
    remember_me_key = str(rand)
    response = make_response("Welcome")
    session["rememberMe"] = remember_me_key
    response.set_cookie("rememberMe", remember_me_key, secure=True, httponly=True, path=request.path)
    return response
