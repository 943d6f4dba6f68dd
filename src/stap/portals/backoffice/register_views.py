"""The Scholingsregister screens of the backoffice, for DUO staff and recognising bodies.

Recognitions are recorded here by DUO staff or by the recognising body, never by the provider; a
recognising body's staff see the providers and their recognitions, and record and end only
recognitions of their own body. DUO staff exclude a provider or one of its trainings with a reason
and a date (today by default: from then on no new application can choose its offers) and lift an
exclusion with a reason. Every action is its own form; the
services and the register's model rules decide, and a refusal comes back on the form's field.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from stap.core import clock
from stap.core.audit import Actor
from stap.identity.models import StaffRole, User
from stap.portals.backoffice.register_forms import (
    ExclusionForm,
    ExclusionLiftForm,
    ProviderSearchForm,
    RecognitionEndForm,
    RecognitionForm,
)
from stap.portals.backoffice.views import staff_actor, staff_with_role
from stap.register.eligibility import EXPLANATIONS, NotEligible, offer_eligibility
from stap.register.models import Exclusion, Offer, Provider, Recogniser, Recognition, Training
from stap.register.services import (
    RegisterRuleBroken,
    exclusion_add,
    exclusion_lift,
    recognition_end,
    recognition_record,
)
from stap.register.values import RecognitionKind

RECORD = "erkenning-vastleggen"
END = "erkenning-beeindigen"
EXCLUDE_PROVIDER = "aanbieder-uitsluiten"
EXCLUDE_TRAINING = "opleiding-uitsluiten"
LIFT = "uitsluiting-opheffen"

register_staff_required = staff_with_role(StaffRole.DUO, StaffRole.RECOGNISER)


def _recogniser(staff: User) -> Recogniser | None:
    """``None`` for DUO staff, who may do everything here; the body a recogniser works for. A
    recognising body's account that was never appointed to a body may do nothing."""
    if staff.staff_role == StaffRole.DUO:
        return None
    recogniser = Recogniser.objects.filter(user=staff).first()
    if recogniser is None:
        raise PermissionDenied
    return recogniser


def eligibility_text(reasons: list[NotEligible]) -> str:
    """``offer_eligibility``'s answer in Dutch, for staff."""
    if not reasons:
        return _("Kan worden gekozen voor het STAP-budget.")
    return _("Kan niet worden gekozen: %(reasons)s.") % {
        "reasons": "; ".join(str(EXPLANATIONS[reason]) for reason in reasons)
    }


def _recognised(on: dt.date) -> Exists:
    return Exists(
        Recognition.objects.filter(provider=OuterRef("pk"), valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )
    )


def _excluded(on: dt.date) -> Exists:
    return Exists(
        Exclusion.objects.filter(provider=OuterRef("pk"), starts_on__lte=on, lifted_at__isnull=True)
    )


@require_safe
@register_staff_required
def providers(request: HttpRequest, staff: User) -> HttpResponse:
    _recogniser(staff)
    form = ProviderSearchForm(request.GET)
    query = form.query()
    today = clock.today()
    queryset: QuerySet[Provider] = (
        Provider.objects.select_related("organisation")
        .annotate(recognised=_recognised(today), excluded=_excluded(today))
        .order_by("name", "code")
    )
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query)
            | Q(code__iexact=query)
            | Q(organisation__kvk_number__startswith=query)
        )
    page = Paginator(queryset, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "backoffice/providers.html",
        {"staff": staff, "form": form, "query": query, "page": page},
        status=200 if form.is_valid() else 400,
    )


@dataclass
class RecognitionRow:
    recognition: Recognition
    valid_today: bool
    ended: bool
    end_form: forms.Form | None


@dataclass
class ExclusionRow:
    exclusion: Exclusion
    in_force: bool


@dataclass
class OfferRow:
    offer: Offer
    eligibility: str
    eligible: bool


@dataclass
class TrainingRow:
    training: Training
    exclusion: Exclusion | None
    excluded_now: bool
    exclude_form: forms.Form | None
    lift_form: forms.Form | None
    offers: list[OfferRow] = field(default_factory=list)


# What a posted action does once its form is valid: it returns the success message.
Run = Callable[[Actor, dict[str, Any]], str]


@dataclass(frozen=True)
class Posted:
    action: str
    item: str
    form: forms.Form

    def get(self, action: str, item: str = "") -> forms.Form | None:
        return self.form if (self.action, self.item) == (action, item) else None


def _prefix(action: str, item: str) -> str:
    return f"{action}-{item}" if item else action


def _pk(item: str) -> int | None:
    return int(item) if re.fullmatch(r"[0-9]{1,18}", item) else None


def _provider_exclusions(provider: Provider) -> QuerySet[Exclusion]:
    return Exclusion.objects.filter(Q(provider=provider) | Q(training__provider=provider))


def _bind(
    request: HttpRequest,
    provider: Provider,
    action: str,
    item: str,
    recogniser: Recogniser | None,
) -> tuple[forms.Form, Run] | None:
    """The posted form and what it does; ``None`` for an action this page does not know. Only
    the provider's own recognitions, trainings and exclusions can be acted on, and a recognising
    body only records and ends its own recognitions."""
    data, prefix, pk = request.POST, _prefix(action, item), _pk(item)
    if recogniser is not None and action not in (RECORD, END):
        raise PermissionDenied
    if action == RECORD and not item:

        def record(actor: Actor, values: dict[str, Any]) -> str:
            recognition = recognition_record(
                actor=actor,
                provider=provider,
                kind=RecognitionKind(recogniser.kind if recogniser else values["kind"]),
                body=recogniser.body if recogniser else values["body"],
                valid_from=values["valid_from"],
                valid_until=values["valid_until"],
            )
            return _("De erkenning (%(kind)s) is vastgelegd.") % {
                "kind": recognition.get_kind_display()
            }

        return RecognitionForm(data, prefix=prefix, recogniser=recogniser), record
    if action == END and pk is not None:
        recognition = provider.recognitions.filter(pk=pk).first()
        if recognition is not None and (recogniser is None or recogniser.recognises(recognition)):

            def end(actor: Actor, values: dict[str, Any]) -> str:
                ended = recognition_end(
                    actor=actor, recognition=recognition, valid_until=values["valid_until"]
                )
                return _("De erkenning (%(kind)s) geldt tot en met %(date)s.") % {
                    "kind": ended.get_kind_display(),
                    "date": f"{values['valid_until']:%d-%m-%Y}",
                }

            return RecognitionEndForm(data, prefix=prefix), end
    if action == EXCLUDE_PROVIDER and not item:

        def exclude_provider(actor: Actor, values: dict[str, Any]) -> str:
            exclusion_add(
                actor=actor,
                provider=provider,
                reason=values["reason"],
                starts_on=values["starts_on"],
            )
            return _("%(name)s is uitgesloten van STAP vanaf %(date)s.") % {
                "name": provider.name,
                "date": f"{values['starts_on']:%d-%m-%Y}",
            }

        return ExclusionForm(data, prefix=prefix), exclude_provider
    if action == EXCLUDE_TRAINING:
        training = provider.trainings.filter(code=item).first()
        if training is not None:

            def exclude_training(actor: Actor, values: dict[str, Any]) -> str:
                exclusion_add(
                    actor=actor,
                    training=training,
                    reason=values["reason"],
                    starts_on=values["starts_on"],
                )
                return _("De opleiding %(name)s is uitgesloten van STAP vanaf %(date)s.") % {
                    "name": training.name,
                    "date": f"{values['starts_on']:%d-%m-%Y}",
                }

            return ExclusionForm(data, prefix=prefix), exclude_training
    if action == LIFT and pk is not None:
        exclusion = _provider_exclusions(provider).select_related("training").filter(pk=pk).first()
        if exclusion is not None:

            def lift(actor: Actor, values: dict[str, Any]) -> str:
                exclusion_lift(actor=actor, exclusion=exclusion, reason=values["reason"])
                if exclusion.training is not None:
                    return _("De uitsluiting van de opleiding %(name)s is opgeheven.") % {
                        "name": exclusion.training.name
                    }
                return _("De uitsluiting van %(name)s is opgeheven.") % {"name": provider.name}

            return ExclusionLiftForm(data, prefix=prefix), lift
    return None


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """The model's per-field errors on the form's fields; any other field's on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
@register_staff_required
def provider(request: HttpRequest, staff: User, code: str) -> HttpResponse:
    recogniser = _recogniser(staff)
    subject = get_object_or_404(Provider.objects.select_related("organisation"), code=code)
    posted = None
    if request.method == "POST":
        action, target = request.POST.get("action", ""), request.POST.get("item", "")
        bound = _bind(request, subject, action, target, recogniser)
        if bound is None:
            messages.error(request, _("Deze actie kan op deze pagina niet. Probeer het opnieuw."))
        else:
            form, run = bound
            if form.is_valid():
                try:
                    success = run(staff_actor(staff), form.cleaned_data)
                except ValidationError as error:
                    _add_errors(form, error)
                except RegisterRuleBroken as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, success)
                    return redirect("backoffice:provider", code=subject.code)
            posted = Posted(action, target, form)
    context = _provider_context(subject, posted, recogniser)
    context["staff"] = staff
    return render(
        request,
        "backoffice/provider.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _provider_context(
    provider: Provider, posted: Posted | None, recogniser: Recogniser | None
) -> dict[str, Any]:
    today = clock.today()

    def bound(action: str, item: str = "") -> forms.Form | None:
        return posted.get(action, item) if posted is not None else None

    def form_for(factory: type[forms.Form], action: str, item: str = "") -> forms.Form:
        form = bound(action, item)
        return factory(prefix=_prefix(action, item)) if form is None else form

    def may_end(recognition: Recognition) -> bool:
        if recogniser is not None and not recogniser.recognises(recognition):
            return False
        return (
            recognition.valid_until is None
            or recognition.valid_until >= today
            or bound(END, str(recognition.pk)) is not None
        )

    recognitions = [
        RecognitionRow(
            recognition=recognition,
            valid_today=recognition.is_valid_on(today),
            ended=recognition.valid_until is not None and recognition.valid_until < today,
            end_form=form_for(RecognitionEndForm, END, str(recognition.pk))
            if may_end(recognition)
            else None,
        )
        for recognition in provider.recognitions.order_by("-valid_from", "-id")
    ]
    record_form = bound(RECORD)
    if record_form is None:
        record_form = RecognitionForm(prefix=RECORD, recogniser=recogniser)
    if recogniser is not None:
        return {
            "provider": provider,
            "today": today,
            "recogniser": recogniser,
            "recognised_today": any(row.valid_today for row in recognitions),
            "recognitions": recognitions,
            "record_form": record_form,
            "unshown_form": None,
            "actions": {"record": RECORD, "end": END},
        }
    exclusions = list(_provider_exclusions(provider).select_related("training"))
    open_exclusions = {
        (exclusion.provider_id, exclusion.training_id): exclusion
        for exclusion in exclusions
        if exclusion.lifted_at is None
    }
    provider_exclusion = open_exclusions.get((provider.pk, None))

    def lift_form_for(exclusion: Exclusion | None) -> forms.Form | None:
        return None if exclusion is None else form_for(ExclusionLiftForm, LIFT, str(exclusion.pk))

    trainings = []
    offers = Prefetch("offers", queryset=Offer.objects.order_by("created_at", "id"))
    for training in provider.trainings.order_by("name", "code").prefetch_related(offers):
        exclusion = open_exclusions.get((None, training.pk))
        exclude_form = bound(EXCLUDE_TRAINING, training.code)
        if exclusion is None and exclude_form is None:
            exclude_form = form_for(ExclusionForm, EXCLUDE_TRAINING, training.code)
        row = TrainingRow(
            training=training,
            exclusion=exclusion,
            excluded_now=exclusion is not None and exclusion.starts_on <= today,
            exclude_form=exclude_form,
            lift_form=lift_form_for(exclusion),
        )
        for offer in training.offers.all():
            reasons = offer_eligibility(offer, on=today)
            row.offers.append(
                OfferRow(offer=offer, eligibility=eligibility_text(reasons), eligible=not reasons)
            )
        trainings.append(row)

    exclude_form = bound(EXCLUDE_PROVIDER)
    if provider_exclusion is None and exclude_form is None:
        exclude_form = form_for(ExclusionForm, EXCLUDE_PROVIDER)
    lift_form = lift_form_for(provider_exclusion)
    shown = [record_form, exclude_form, lift_form]
    shown += [row.end_form for row in recognitions]
    shown += [form for row in trainings for form in (row.exclude_form, row.lift_form)]
    # A refusal whose form is no longer on the page (someone else lifted the exclusion first)
    # still shows its message.
    unshown = posted.form if posted and not any(form is posted.form for form in shown) else None
    return {
        "provider": provider,
        "today": today,
        "recognised_today": any(row.valid_today for row in recognitions),
        "recognitions": recognitions,
        "record_form": record_form,
        "exclusions": [
            ExclusionRow(
                exclusion=exclusion,
                in_force=exclusion.lifted_at is None and exclusion.starts_on <= today,
            )
            for exclusion in exclusions
        ],
        "provider_exclusion": provider_exclusion,
        "provider_excluded_now": provider_exclusion is not None
        and provider_exclusion.starts_on <= today,
        "exclude_form": exclude_form,
        "lift_form": lift_form,
        "unshown_form": unshown,
        "trainings": trainings,
        "actions": {
            "record": RECORD,
            "end": END,
            "exclude_provider": EXCLUDE_PROVIDER,
            "exclude_training": EXCLUDE_TRAINING,
            "lift": LIFT,
        },
    }
