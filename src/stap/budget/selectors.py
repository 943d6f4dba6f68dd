"""Read use cases for applications. Every query a provider can reach is scoped by organisation."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from stap.budget.models import Application, ApplicationStatus
from stap.budget.pagination import KeysetPage, keyset_page
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
    return queryset.select_related("training", "cohort__offer").order_by(*ordering_for(filters))


def ordering_for(filters: GrantedApplicationFilters) -> tuple[str, ...]:
    return SORTS.get(filters.sort, SORTS[DEFAULT_SORT])


# Counting every one of 100,000 rows costs more than showing a page; past this many the
# overview says "more than 10,000" (the export still holds them all).
COUNT_CAP = 10_000


@dataclass(frozen=True)
class GrantedApplicationsPage:
    page: KeysetPage[Application]
    total: int
    total_is_capped: bool


def granted_applications_page(
    *,
    organisation: Organisation,
    filters: GrantedApplicationFilters,
    after: str = "",
    before: str = "",
    size: int = 25,
) -> GrantedApplicationsPage:
    """One page of the overview, found by keyset so that page 2,000 costs what page 1 costs."""
    applications = granted_applications_for_organisation(organisation=organisation, filters=filters)
    counted = applications.order_by().values("pk")[: COUNT_CAP + 1].count()
    return GrantedApplicationsPage(
        page=keyset_page(
            applications, ordering=ordering_for(filters), size=size, after=after, before=before
        ),
        total=min(counted, COUNT_CAP),
        total_is_capped=counted > COUNT_CAP,
    )


def _search(query: str) -> Q:
    """Aanvraagnummer and studentnummer match whole; otherwise every word must occur in the name.

    Numbers are compared exactly (their indexes answer at once); names through ``search_text``,
    which PostgreSQL indexes with trigrams.
    """
    condition = Q(aanvraagnummer=query.upper()) | Q(studentnummer__in={query, query.upper()})
    words = query.lower().split()
    if len(query) >= 2 and words:
        every_word = Q()
        for word in words:
            every_word &= Q(search_text__contains=word)
        condition |= every_word
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


def applications_of_person(*, bsn: str) -> QuerySet[Application]:
    """A citizen's own applications, newest first ("Mijn aanvragen")."""
    return (
        Application.objects.filter(bsn=bsn)
        .select_related("training", "organisation", "period")
        .order_by("-submitted_at", "-id")
    )


def application_of_person(*, bsn: str, pk: int) -> Application:
    """One of the citizen's own applications; someone else's answers 404 like a missing one."""
    try:
        return applications_of_person(bsn=bsn).select_related("cohort__offer").get(pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
