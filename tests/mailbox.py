"""E-mails waiting in the job queue: what the worker will send once the change has committed."""

from dataclasses import dataclass

from django_tasks_db.models import DBTaskResult


@dataclass(frozen=True)
class QueuedEmail:
    to: list[str]
    subject: str
    body: str


def queued_emails() -> list[QueuedEmail]:
    found = []
    for job in DBTaskResult.objects.filter(task_path__endswith="send_email").order_by(
        "enqueued_at"
    ):
        kwargs = job.args_kwargs["kwargs"]
        found.append(QueuedEmail(to=kwargs["to"], subject=kwargs["subject"], body=kwargs["body"]))
    return found
