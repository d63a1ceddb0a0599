from django.utils.safestring import mark_safe
from flask import Flask, render_template_string, request
from markupsafe import Markup

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return f"<h1>Hello {name}</h1>"  # expect: xss-unescaped-render


@app.route("/page")
def page():
    body = request.args.get("body", "")
    return render_template_string(body)  # expect: xss-unescaped-render


def bio(user):
    return mark_safe(f"<p>{user.bio}</p>")  # expect: xss-unescaped-render


def badge(label):
    return Markup("<b>%s</b>" % label)  # expect: xss-unescaped-render
