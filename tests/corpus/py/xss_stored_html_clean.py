# Look-alikes of CWE-79: request data in plain text, escaped before it joins markup, or
# markup filled only with constants; and a helper that renders nothing.
from django.shortcuts import render
from django.utils.html import escape, format_html


def profile(request):
    context = {}
    name = request.GET["name"]
    context["greeting"] = "Hello %s, welcome back" % name
    context["badge"] = "<h1>Hello %s</h1>" % escape(name)
    context["title"] = format_html("<h1>{}</h1>", name)
    context["footer"] = "<p>%s</p>" % "All rights reserved"
    context["hint"] = '<a href="/help">%s</a>'.format(name)
    return render(request, "profile.html", context)


def label(request, store):
    store["label"] = "<b>%s</b>" % request.GET["label"]
    return store
