from django.db import connection

from stap.core.models import NumberSequence


def next_number(name: str) -> int:
    """The next value of sequence ``name``; call inside the transaction that uses it.

    The row lock serialises concurrent callers until their transactions end, so two grants can
    never receive the same number.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the caller's transaction")
    NumberSequence.objects.get_or_create(name=name)
    sequence = NumberSequence.objects.select_for_update().get(name=name)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value
