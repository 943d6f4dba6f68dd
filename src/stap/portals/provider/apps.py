from django.apps import AppConfig


class ProviderPortalConfig(AppConfig):
    name = "stap.portals.provider"
    label = "provider_portal"
