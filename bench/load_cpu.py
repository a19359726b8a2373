"""CPU time per request of the read pages, in one process (Django's test client), on a database made by
``load_data.py``: what the load test's "server CPU ms/req" measures, without the server and the neighbours.

    DATABASE_URL=sqlite:///bench/out/x.sqlite3 JIXIAO_DEBUG=1 python bench/load_cpu.py --repeat 5

Each URL is fetched once (warm-up: the stored summaries and the kept parts computed), then ``--repeat`` times;
prints one line per page: CPU ms per request (median of the repeats) and queries per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.performance.models import Project

    settings.ALLOWED_HOSTS = ["*"]
    officer = User.objects.get(username="bench_officer")
    own = list(
        Project.objects.unrestricted().filter(unit__memberships__user=officer).values_list("pk", flat=True)
    )
    any_pk = Project.objects.unrestricted().order_by("pk").values_list("pk", flat=True)[10]
    pages = {
        "bench_reviewer": [
            ("home", "/"),
            ("list", "/projects/"),
            ("list by year, searched", "/projects/?q=培训&year=2023"),
            ("list by light, sort by rate", "/projects/?light=red&sort=-rate"),
            ("project", f"/projects/{any_pk}/"),
        ],
        "bench_officer": [
            ("home", "/"),
            ("list", "/projects/"),
            ("project", f"/projects/{own[0]}/"),
        ],
    }
    for username, urls in pages.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, url in urls:
            assert client.get(url).status_code == 200, url
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    start = time.process_time()
                    response = client.get(url)
                    times.append((time.process_time() - start) * 1000)
                assert response.status_code == 200
            print(f"{username:15} {label:30} {statistics.median(times):8.1f} ms  {len(captured)} queries")


if __name__ == "__main__":
    main()
