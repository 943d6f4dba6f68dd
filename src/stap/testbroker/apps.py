from django.apps import AppConfig


class TestBrokerConfig(AppConfig):
    name = "stap.testbroker"
    label = "testbroker"
    verbose_name = "stap.testbroker"
