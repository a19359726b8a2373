"""The web application's URLs: stable, bookmarkable, in English paths with Chinese pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from jixiao.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/<slug:kind>/", views.report_download, name="report"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
