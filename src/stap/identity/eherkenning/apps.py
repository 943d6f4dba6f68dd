from django.apps import AppConfig


class EHerkenningSignInConfig(AppConfig):
    """The eHerkenning SP: its own app so that its templates and static files are found."""

    name = "stap.identity.eherkenning"
    label = "stap_eherkenning"
    verbose_name = "eHerkenning sign-in"

    def ready(self) -> None:
        from stap.identity.eherkenning import checks  # noqa: F401 - registers the check
