"""Domain errors: a stable code for machines and a message for people."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused a change. ``code`` is stable; ``message`` says how to fix it."""

    code: str = "domain_error"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)
