"""triage's shipped defaults (rules, provenance patterns, checklists, import map, demo spec).

Installed as the package ``triage.data``; :mod:`triage.paths` reads these files
through :mod:`importlib.resources`, so they are found in a wheel as in a checkout.
"""
