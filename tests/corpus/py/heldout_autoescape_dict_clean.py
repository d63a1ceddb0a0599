"""Look-alikes: autoescaping left on, or decided by a setting, and other flags set to False."""
import os

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "autoescape": True,
            "debug": False,
        },
    },
]

JINJA_OPTIONS = {"autoescape": os.environ.get("AUTOESCAPE", "1") == "1", "trim_blocks": False}
