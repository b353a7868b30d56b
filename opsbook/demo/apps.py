from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "opsbook.demo"
    label = "demo"
