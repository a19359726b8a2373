from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Projects, funds, goals and indicators with typed targets."""

    name = "jixiao.performance"
    verbose_name = "预算绩效"

    def ready(self) -> None:
        from jixiao.performance import inbox_year  # noqa: F401  (the year's review work in the 待办 inbox)
