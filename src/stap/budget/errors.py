from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stap.core.errors import DomainError


class TransitionNotAllowed(DomainError):
    code = "application_transition_not_allowed"

    def __init__(self, *, current: str, action: str | Promise) -> None:
        super().__init__(
            _("Een aanvraag met status ‘%(current)s’ kan niet worden %(action)s.")
            % {"current": current, "action": action}
        )


class ApplicationRefused(DomainError):
    """What was sent cannot become an application (``code``: a ``RefusalReason``)."""

    code = "application_refused"


class PeriodRuleBroken(DomainError):
    code = "period_rule_broken"
