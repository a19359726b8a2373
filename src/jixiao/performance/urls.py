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
from jixiao.performance.views import monitoring as _monitoring  # noqa: E402

urlpatterns += [
    path("projects/<int:pk>/monitoring/", _monitoring.round_default, name="monitoring_default"),
    path("projects/<int:pk>/monitoring/<int:cutoff>/", _monitoring.round_page, name="monitoring"),
    path(
        "projects/<int:pk>/monitoring/<int:cutoff>/entries/",
        _monitoring.save_entries,
        name="monitoring_entries",
    ),
    path(
        "projects/<int:pk>/monitoring/<int:cutoff>/budget/", _monitoring.save_budget, name="monitoring_budget"
    ),
    path(
        "projects/<int:pk>/monitoring/<int:cutoff>/<str:verb>/",
        _monitoring.move_round,
        name="monitoring_move",
    ),
    path("monitoring/tasks/", _monitoring.task_list, name="monitoring_tasks"),
    path("monitoring/tasks/new/", _monitoring.task_new, name="monitoring_task_new"),
    path("monitoring/tasks/<int:pk>/", _monitoring.task_detail, name="monitoring_task"),
]

# Self-evaluation, review, sign-off and rectification (views/evaluation.py)
from jixiao.performance.views import evaluation as _evaluation  # noqa: E402

urlpatterns += [
    path("projects/<int:pk>/evaluation/", _evaluation.evaluation_page, name="evaluation"),
    path("projects/<int:pk>/evaluation/texts/", _evaluation.save_texts, name="evaluation_texts"),
    path(
        "projects/<int:pk>/evaluation/adjust/<int:indicator>/",
        _evaluation.adjust_score,
        name="evaluation_adjust",
    ),
    path("projects/<int:pk>/evaluation/finalise/", _evaluation.finalise, name="evaluation_finalise"),
    path("projects/<int:pk>/evaluation/reopen/", _evaluation.reopen, name="evaluation_reopen"),
    path("projects/<int:pk>/rectification/new/", _evaluation.open_item, name="rectification_new"),
    path("rectification/<int:pk>/answer/", _evaluation.answer_item, name="rectification_answer"),
    path("rectification/<int:pk>/<str:verb>/", _evaluation.review_item, name="rectification_review"),
    path("rectification/evidence/<int:pk>/", _evaluation.item_evidence, name="rectification_evidence"),
]

# Period locks and lock exceptions (views/locks.py)
from jixiao.performance.views import locks as _locks  # noqa: E402

urlpatterns += [
    path("locks/", _locks.locks_page, name="locks"),
    path("locks/new/", _locks.lock_new, name="lock_new"),
    path("locks/<int:pk>/unlock/", _locks.unlock, name="unlock"),
    path("locks/exceptions/new/", _locks.exception_new, name="lock_exception_new"),
    path("locks/exceptions/<int:pk>/revoke/", _locks.exception_revoke, name="lock_exception_revoke"),
]

# The zip of every report a person may see (views/downloads.py)
from jixiao.performance.views import downloads as _downloads  # noqa: E402

urlpatterns += [path("reports/all.zip", _downloads.all_reports, name="reports_zip")]
