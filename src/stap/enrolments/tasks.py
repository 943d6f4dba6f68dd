"""Background jobs of vooraanmeldingen uploads. Thin: they take an upload id and call a service."""

from django_tasks import task


@task()
def upload_check_task(*, upload_id: int) -> None:
    from stap.enrolments.services import upload_check

    upload_check(upload_id=upload_id)


@task()
def upload_commit_task(*, upload_id: int) -> None:
    from stap.enrolments.services import upload_commit

    upload_commit(upload_id=upload_id)
