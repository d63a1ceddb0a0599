# CWE-79: markup built from request data and handed to the template through its context.
# The template must mark it safe to show it as markup, and then the request's text is the page.
from django.shortcuts import render


def profile(request):
    context = {}
    name = request.GET["name"]
    context["greeting"] = "<h1>Hello %s</h1>" % name  # expect: xss-unescaped-render
    badge = '<span class="badge">{}</span>'
    context["badge"] = badge.format(request.GET.get("role", ""))  # expect: xss-unescaped-render
    return render(request, "profile.html", context)


class Card:
    def get(self, request):
        ctx = self.get_context_data()
        title = request.POST.get("title", "")
        ctx["card"] = f"<div class='card'>{title}</div>"  # expect: xss-unescaped-render
        return render(request, "card.html", ctx)
