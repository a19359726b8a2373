"""URL configuration: the web application at the root, the admin (the system administrator's back office)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the 中文 / English switch
    path("", include("jixiao.web.urls")),
    path("", include("jixiao.performance.urls")),
    path("", include("jixiao.security.urls")),
]
