"""The performance pages that change data: declaration, review, results, spending, monitoring, evaluation, locks.

Each block belongs to one view module of ``jixiao.performance.views``; paths hang under ``/projects/<id>/`` where
they concern one project, so a page's address says what it is about and can be bookmarked.
"""

from django.urls import path

from jixiao.performance import views  # noqa: F401  (view modules register below)

app_name = "performance"

urlpatterns: list = []

# Target declaration, import, review and adjustment (views/targets.py, views/imports.py)
from jixiao.performance.views import imports as import_views  # noqa: E402
from jixiao.performance.views import targets as target_views  # noqa: E402

urlpatterns += [
    path("projects/new/", target_views.project_new, name="project_new"),
    path("projects/new/check/", target_views.project_new_check, name="project_new_check"),
    path("projects/targets/row/", target_views.target_row, name="target_row"),
    path("projects/<int:pk>/targets/", target_views.targets_edit, name="targets"),
    path("projects/<int:pk>/targets/check/", target_views.targets_check, name="targets_check"),
    path("projects/<int:pk>/targets/submit/", target_views.targets_submit, name="targets_submit"),
    path("projects/<int:pk>/targets/review/", target_views.targets_review, name="targets_review"),
    path("projects/<int:pk>/adjustments/<int:aid>/", target_views.adjustment_detail, name="adjustment"),
    path("imports/", import_views.upload, name="imports"),
    path("imports/batches/<int:batch>/", import_views.done, name="import_done"),
    path("imports/<str:token>/", import_views.preview, name="import_preview"),
]

# Results per period, evidence (views/results.py)
from jixiao.performance.views import results as results_views  # noqa: E402

urlpatterns += [
    path("projects/<int:pk>/results/<slug:period>/", results_views.results_grid, name="results"),
    path(
        "projects/<int:pk>/results/<slug:period>/submit/",
        results_views.results_submit,
        name="results-submit",
    ),
    path(
        "projects/<int:pk>/results/<slug:period>/approve/",
        results_views.results_approve,
        name="results-approve",
    ),
    path("results/<int:pk>/review/", results_views.result_review, name="result-review"),
    path("results/<int:pk>/evidence/", results_views.evidence_upload, name="evidence-upload"),
    path("evidence/<int:pk>/remove/", results_views.evidence_remove, name="evidence-remove"),
]

# Spending and budget adjustments (views/spending.py)
from jixiao.performance.views import spending as spending_views  # noqa: E402

urlpatterns += [
    path("projects/<int:pk>/spending/", spending_views.spending_page, name="spending"),
    path(
        "projects/<int:pk>/spending/expenditures/",
        spending_views.expenditure_create,
        name="expenditure-create",
    ),
    path(
        "projects/<int:pk>/spending/adjustments/",
        spending_views.adjustment_create,
        name="adjustment-create",
    ),
]

# Monitoring rounds and finance's monitoring tasks (views/monitoring.py)
urlpatterns += []

# Self-evaluation, review, sign-off and rectification (views/evaluation.py)
urlpatterns += []

# Period locks and lock exceptions (views/locks.py)
urlpatterns += []
