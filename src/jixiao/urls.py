"""URL configuration: the admin for now; the web application proper comes with its own apps."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
