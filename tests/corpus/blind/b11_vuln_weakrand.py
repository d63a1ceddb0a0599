import random
from flask import make_response, request, session

from app import app


@app.route("/b11")
def b11():
    rand = random.uniform(0, 1)  # VULN insecure-random
    remember_me_key = str(rand)[2:]
    user = "Floyd"
    cookie_name = "rememberMe" + "b11"
    if request.cookies.get(cookie_name) == session.get(cookie_name):
        return "Welcome back: " + user
    response = make_response("Welcome: " + user)
    session[cookie_name] = remember_me_key
    response.set_cookie(cookie_name, remember_me_key, secure=True, httponly=True, path=request.path)
    return response
