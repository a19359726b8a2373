"""WSGI entry point for production servers: refuses to serve without a secret key (jixiao.checks)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
application = get_wsgi_application()

from jixiao.checks import refuse_to_serve_without_key  # noqa: E402 - needs the settings loaded above

refuse_to_serve_without_key()
