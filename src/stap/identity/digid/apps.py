from django.apps import AppConfig


class DigiDSignInConfig(AppConfig):
    """The DigiD SP: its own app so that its templates are found and its checks run."""

    name = "stap.identity.digid"
    label = "stap_digid"
    verbose_name = "DigiD sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from stap.identity.digid import checks  # noqa: F401 - registers the check
        from stap.identity.signin import forget_citizen

        # Any other sign-in in the same browser (eHerkenning, Mijn DUO token, staff) ends the
        # DigiD one: the BSN does not stay behind in a session that is now someone else's.
        user_logged_in.connect(forget_citizen, dispatch_uid="stap.digid.forget_citizen")
