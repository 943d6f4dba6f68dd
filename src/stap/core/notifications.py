"""E-mail to people, sent by the worker after the change that caused it has committed."""

from django.db import connection

from stap.core.tasks import send_email


def email_enqueue(*, to: list[str], subject: str, body: str) -> None:
    """Queue an e-mail inside the caller's transaction: it goes out only if the change commits.

    The database-backed queue writes the job in the same transaction, so a rolled-back change
    leaves no e-mail behind and a committed one cannot lose its e-mail.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("email_enqueue must run inside the transaction of the change")
    send_email.enqueue(to=to, subject=subject, body=body)
