"""Puts a signed-in eHerkenning identity in a test client's session.

View tests use this to reach the provider portal quickly; the sign-in itself (SAML through the
test broker) has its own tests, which never take this shortcut.
"""

from django.test import Client, RequestFactory

from stap.identity.signin import EHerkenningIdentity, eherkenning_sign_in


def sign_in_provider(
    client: Client,
    *,
    kvk_number: str,
    pseudonym: str = "pseudo-1",
    vestigingsnummer: str = "",
    service: str = "opleidersportaal",
) -> EHerkenningIdentity:
    identity = EHerkenningIdentity(
        service=service,
        kvk_number=kvk_number,
        pseudonym=pseudonym,
        level="EH3",
        company_name="Test",
        vestigingsnummer=vestigingsnummer,
    )
    request = RequestFactory().get("/")
    request.session = client.session
    eherkenning_sign_in(request=request, identity=identity)
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key or ""
    return identity
