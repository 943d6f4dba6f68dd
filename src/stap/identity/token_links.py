"""The last step of linking a token account: right after the eHerkenning sign-in it started."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from stap.identity.models import User, UserKind
from stap.identity.signin import EHerkenningIdentity
from stap.identity.token_accounts import TokenRuleBroken, token_account_link

LINK_RESULT_SESSION_KEY = "stap.duo.link_result"


def link_after_sign_in(
    request: HttpRequest,
    *,
    token_user_id: int,
    eherkenning_user: User,
    identity: EHerkenningIdentity,
) -> None:
    """Link, and leave the outcome in the (new) session for the result page."""
    token_user = User.objects.filter(pk=token_user_id, kind=UserKind.TOKEN).first()
    try:
        if token_user is None:
            raise TokenRuleBroken(_("Dit tokenaccount bestaat niet meer."))
        roles = token_account_link(
            token_user=token_user, eherkenning_user=eherkenning_user, identity=identity
        )
    except TokenRuleBroken as refusal:
        request.session[LINK_RESULT_SESSION_KEY] = {"linked": False, "message": str(refusal)}
        return
    request.session[LINK_RESULT_SESSION_KEY] = {
        "linked": True,
        "username": token_user.username,
        "roles": roles,
    }
