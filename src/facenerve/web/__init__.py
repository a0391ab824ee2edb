"""The FaceNerve clinic web app (Django 5.2): a thin shell over the engine, scales and care pathway.

Settings come from the environment (see :mod:`facenerve.web.settings` and docs/web.md).
"""

SETTINGS_MODULE = "facenerve.web.settings"
