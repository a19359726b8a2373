"""App configuration of the working-day calendar."""

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    """The State Council's holidays and 调休 working days, as data an administrator updates each year."""

    name = "jixiao.workdays"
    verbose_name = "节假日与调休"
