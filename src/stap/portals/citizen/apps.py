from django.apps import AppConfig


class CitizenPortalConfig(AppConfig):
    name = "stap.portals.citizen"
    label = "citizen_portal"
