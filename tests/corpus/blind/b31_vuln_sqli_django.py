from django.http import JsonResponse

from shop.models import Product


def products(request):
    order = request.GET.get("order", "name")
    rows = Product.objects.raw("SELECT * FROM shop_product ORDER BY " + order)  # VULN sql-interpolation
    return JsonResponse({"ids": [p.id for p in rows]})
