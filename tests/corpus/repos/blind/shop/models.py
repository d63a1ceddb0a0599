class Product:
    objects = None
