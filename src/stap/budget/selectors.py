"""Read use cases for applications. Every query a provider can reach is scoped by organisation."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from stap.budget.models import Application, ApplicationStatus
from stap.identity.models import Organisation

# Sort keys offered in the overview, each backed by an index that starts with the organisation.
SORTS: dict[str, tuple[str, ...]] = {
    "-startdatum": ("-start_date", "-id"),
    "startdatum": ("start_date", "id"),
    "-einddatum": ("-end_date", "-id"),
    "einddatum": ("end_date", "id"),
    "student": ("last_name", "first_name", "id"),
    "-student": ("-last_name", "-first_name", "-id"),
    "aanvraagnummer": ("aanvraagnummer",),
    "-aanvraagnummer": ("-aanvraagnummer",),
    "bedrag": ("amount", "id"),
    "-bedrag": ("-amount", "-id"),
}
DEFAULT_SORT = "-startdatum"


@dataclass(frozen=True, kw_only=True)
class GrantedApplicationFilters:
    status: ApplicationStatus | None = None
    training_id: int | None = None
    start_from: dt.date | None = None
    start_until: dt.date | None = None
    query: str = ""
    sort: str = DEFAULT_SORT


def granted_applications_for_organisation(
    *, organisation: Organisation, filters: GrantedApplicationFilters | None = None
) -> QuerySet[Application]:
    """Every application granted to a student of ``organisation``, whatever happened after."""
    filters = filters or GrantedApplicationFilters()
    queryset = Application.objects.filter(
        organisation=organisation, status__in=ApplicationStatus.granted()
    )
    if filters.status is not None:
        queryset = queryset.filter(status=filters.status)
    if filters.training_id is not None:
        queryset = queryset.filter(training_id=filters.training_id)
    if filters.start_from is not None:
        queryset = queryset.filter(start_date__gte=filters.start_from)
    if filters.start_until is not None:
        queryset = queryset.filter(start_date__lte=filters.start_until)
    if query := filters.query.strip():
        queryset = queryset.filter(_search(query))
    return queryset.select_related("training", "cohort__offer").order_by(
        *SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    )


def _search(query: str) -> Q:
    """Aanvraagnummer and studentnummer match whole; otherwise every word must occur in the name."""
    condition = Q(aanvraagnummer__iexact=query) | Q(studentnummer__iexact=query)
    words = query.split()
    if len(query) >= 2 and words:
        every_word_in_name = Q()
        for word in words:
            every_word_in_name &= (
                Q(first_name__icontains=word)
                | Q(name_prefix__icontains=word)
                | Q(last_name__icontains=word)
            )
        condition |= every_word_in_name
    return condition


def granted_application_for_organisation(
    *, organisation: Organisation, aanvraagnummer: str
) -> Application:
    """One granted application of ``organisation``; another's answers 404 like a missing one."""
    try:
        return Application.objects.select_related(
            "training__provider", "cohort__offer", "period"
        ).get(
            organisation=organisation,
            status__in=ApplicationStatus.granted(),
            aanvraagnummer=aanvraagnummer,
        )
    except Application.DoesNotExist as exc:
        raise Http404 from exc
