"""Background jobs of the kernel. Tasks take plain values, are idempotent and stay thin."""

from django.core.mail import send_mail

from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail through the configured mail backend."""
    return send_mail(subject, body, None, to)
