"""Fixtures for every test."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stap.budget.waiting_room import state


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_directory(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Uploaded files go to a directory of the test's own, never to var/."""
    location = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    yield location


@pytest.fixture(autouse=True)
def no_period_state_from_another_test() -> None:
    """The waiting room keeps its period's state for a second per process; a test starts
    without what an earlier test's database held."""
    state.forget()
