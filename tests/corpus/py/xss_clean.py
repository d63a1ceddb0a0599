import html

from flask import Flask, render_template, request
from markupsafe import Markup

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return render_template("hello.html", name=name)


@app.route("/hi")
def hi():
    name = request.args.get("name", "")
    return f"<h1>Hello {html.escape(name)}</h1>"


def static_badge():
    return Markup("<b>new</b>")


def text_reply(name):
    return f"Hello {name}"
