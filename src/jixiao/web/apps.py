from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "jixiao.web"
    label = "web"
    verbose_name = _("网页应用")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jixiao.web import pagecache

        pagecache.connect()
