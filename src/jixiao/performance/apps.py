from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Projects, funds, goals and indicators with typed targets."""

    name = "jixiao.performance"
    verbose_name = "预算绩效"

    def ready(self) -> None:
        from jixiao.performance import summary

        summary.connect()
