"""The performance pages that change data: declaration, review, results, spending, monitoring, evaluation, locks.

Each block belongs to one view module of ``jixiao.performance.views``; paths hang under ``/projects/<id>/`` where
they concern one project, so a page's address says what it is about and can be bookmarked.
"""

from django.urls import path  # noqa: F401  (each block below adds its paths)

from jixiao.performance import views  # noqa: F401  (view modules register below)

app_name = "performance"

urlpatterns: list = []

# Target declaration, import, review and adjustment (views/targets.py, views/imports.py)
urlpatterns += []

# Results per period, evidence (views/results.py)
urlpatterns += []

# Spending and budget adjustments (views/spending.py)
urlpatterns += []

# Monitoring rounds and finance's monitoring tasks (views/monitoring.py)
urlpatterns += []

# Self-evaluation, review, sign-off and rectification (views/evaluation.py)
urlpatterns += []

# Period locks and lock exceptions (views/locks.py)
urlpatterns += []
