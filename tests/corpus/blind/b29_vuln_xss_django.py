from django.http import HttpResponse


def search(request):
    q = request.GET.get("q", "")
    html = "<h1>Results for %s</h1>" % q
    return HttpResponse(html)  # VULN xss-unescaped-render
