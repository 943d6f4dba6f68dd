from django.apps import AppConfig


class BackofficePortalConfig(AppConfig):
    name = "stap.portals.backoffice"
    label = "backoffice_portal"
