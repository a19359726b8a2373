from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """Units (a hierarchy), people and their roles."""

    name = "jixiao.orgs"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from jixiao.orgs.querysets import install_validation_scope

        install_validation_scope()
