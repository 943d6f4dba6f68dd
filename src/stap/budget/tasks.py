"""Background jobs of the budget. Thin: they take ids and call a service."""

from django_tasks import task


@task()
def waiting_room_draw_task(*, period_id: int) -> None:
    """Scheduled for the opening moment; does nothing before it or when already drawn."""
    from stap.budget.waiting_room.queue import draw

    draw(period_id=period_id)
