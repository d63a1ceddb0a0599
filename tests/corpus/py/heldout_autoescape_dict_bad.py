"""CWE-79: Django template options that switch autoescaping off for every template."""
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"],
            "autoescape": False,
        },
    },
]

JINJA_OPTIONS = {"autoescape": False, "trim_blocks": True}
