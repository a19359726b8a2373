from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """Units (a hierarchy), people and their roles."""

    name = "jixiao.orgs"
    verbose_name = "机构与人员"
