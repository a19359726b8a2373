"""The security pages under ``/security/``."""

from django.urls import path

from jixiao.security import views

app_name = "security"

urlpatterns = [
    path("security/", views.board, name="board"),
    path("security/board/live/", views.board_partial, name="board_live"),
    path("security/assets/", views.asset_list, name="assets"),
    path("security/assets/new/", views.asset_create, name="asset_new"),
    path("security/assets/import/", views.asset_import, name="asset_import"),
    path("security/assets/<int:pk>/", views.asset_detail, name="asset"),
    path("security/findings/", views.finding_list, name="findings"),
    path("security/findings/<int:pk>/", views.finding_detail, name="finding"),
    path("security/findings/<int:pk>/triage/", views.finding_triage, name="finding_triage"),
    path("security/notices/", views.notice_list, name="notices"),
    path("security/notices/new/", views.notice_create, name="notice_new"),
    path("security/notices/<int:pk>/", views.notice_detail, name="notice"),
    path("security/notices/<int:pk>/send/", views.notice_send, name="notice_send"),
    path("security/notices/<int:pk>/answer/", views.notice_answer, name="notice_answer"),
    path("security/notices/<int:pk>/recheck/", views.notice_recheck, name="notice_recheck"),
    path("security/evidence/<int:pk>/", views.notice_evidence, name="notice_evidence"),
    path("security/warnings/", views.warning_list, name="warnings"),
    path("security/warnings/new/", views.warning_create, name="warning_new"),
    path("security/warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("security/warnings/<int:pk>/confirm/", views.warning_confirm, name="warning_confirm"),
    path("security/warnings/<int:pk>/<slug:verb>/", views.warning_publish, name="warning_publish"),
    path("security/incidents/", views.incident_list, name="incidents"),
    path("security/incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("security/incidents/<int:pk>/<slug:step>/", views.incident_step, name="incident_step"),
    path("security/reports/", views.report_list, name="reports"),
    path("security/reports/<int:pk>/", views.report_detail, name="report"),
    path("security/reports/<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("security/reports/<int:pk>/<slug:fmt>/", views.report_download, name="report_download"),
    path("security/indicators/<int:pk>/", views.indicator_records, name="indicator"),
]
