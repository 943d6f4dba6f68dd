"""Background jobs of bulk uploads. Thin: they take a run id and call the processing."""

from django_tasks import task

from stap.bulk.processing import bulk_run_process


@task()
def bulk_run_process_task(*, run_id: int) -> None:
    """Process one uploaded file; idempotent (a run that is not queued is left alone)."""
    bulk_run_process(run_id=run_id)
