"""WSGI entry point: ``facenerve.web.wsgi:application`` for any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facenerve.web.settings")
application = get_wsgi_application()
