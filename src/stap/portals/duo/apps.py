from django.apps import AppConfig


class DuoPortalConfig(AppConfig):
    name = "stap.portals.duo"
    label = "duo_portal"
