from django.http import HttpResponseRedirect


def login_done(request):
    nxt = request.POST.get("next", "/")
    return HttpResponseRedirect(nxt)  # VULN open-redirect
