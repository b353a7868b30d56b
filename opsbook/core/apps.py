from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "opsbook.core"
    label = "core"
