from django.apps import AppConfig


class PublicPortalConfig(AppConfig):
    name = "stap.portals.public"
    label = "public_portal"
