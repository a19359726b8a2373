from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Projects, funds, goals and indicators with typed targets."""

    name = "jixiao.performance"
    verbose_name = "预算绩效"

    def ready(self) -> None:
        # Registers the 待办 inbox's providers: targets and adjustments, results, the year's review work.
        from jixiao.performance import inbox, inbox_results, inbox_year, summary  # noqa: F401

        summary.connect()
        from jixiao.performance.importing import fingerprint

        fingerprint.connect()  # a change to a project or its rows empties its import fingerprint
