"""The printable "Toegang Mijn DUO" form: what it says, and that it passes our own upload check."""

import io

from django.utils import timezone

import pytest
from pypdf import PdfReader

from stap.identity.access_request_pdf import access_request_pdf
from stap.identity.models import AccessRequest, AccessRequestPerson, DuoRole
from stap.identity.signed_pdf import check_signed_pdf

UPLOAD_URL = "https://stap.example/mijn-duo-zakelijk/toegang/upload/abc123/"


def access_request(**overrides: str) -> AccessRequest:
    fields = {
        "reference": "TMD-2026-000123",
        "channel": "form",
        "status": "awaiting_signature",
        "kvk_number": "90000003",
        "organisation_name": "Zuiderlicht Trainingen",
        "contact_name": "Sanne de Vries",
        "contact_email": "sanne@zuiderlicht.example",
        "contact_phone": "0612345678",
        "coordinator_name": "Pieter Bakker",
        "coordinator_email": "pieter@zuiderlicht.example",
        "signatory_name": "Anouk Jansen",
        "signatory_function": "directeur",
    }
    request = AccessRequest.objects.create(**(fields | overrides), created_at=timezone.now())
    AccessRequestPerson.objects.create(
        request=request,
        name="Pieter Bakker",
        email="pieter@zuiderlicht.example",
        roles=[DuoRole.BEHEERDER, DuoRole.REGISTREREN],
    )
    AccessRequestPerson.objects.create(
        request=request,
        name="Fatima el Amrani",
        email="fatima@zuiderlicht.example",
        roles=[DuoRole.REGISTREREN],
    )
    return request


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_the_form_passes_our_own_check_on_signed_forms() -> None:
    pdf = access_request_pdf(access_request(), upload_url=UPLOAD_URL, upload_code="ABCD-EFGH-JKMN")

    check_signed_pdf(pdf, filename="aanvraag.pdf")


@pytest.mark.django_db
def test_the_form_shows_the_reference_the_organisation_the_persons_and_their_roles() -> None:
    text = text_of(
        access_request_pdf(access_request(), upload_url=UPLOAD_URL, upload_code="ABCD-EFGH-JKMN")
    )

    assert "TMD-2026-000123" in text
    assert "90000003" in text
    assert "Zuiderlicht Trainingen" in text
    assert "Fatima el Amrani" in text
    assert "Beheerder RIO Algemeen" in text
    assert "Registreren scholingsaanbod" in text
    assert "Anouk Jansen" in text
    assert "ABCD-EFGH-JKMN" in text


@pytest.mark.django_db
def test_the_form_says_how_to_sign_and_where_to_upload() -> None:
    text = text_of(
        access_request_pdf(access_request(), upload_url=UPLOAD_URL, upload_code="ABCD-EFGH-JKMN")
    )

    assert "Handelsregister" in text
    assert "Handtekening" in text
    assert "met de hand" in text
    assert UPLOAD_URL in text.replace("\n", "")


@pytest.mark.django_db
def test_the_form_is_a4_with_duo_as_author_and_the_title_of_the_form() -> None:
    reader = PdfReader(
        io.BytesIO(
            access_request_pdf(
                access_request(), upload_url=UPLOAD_URL, upload_code="ABCD-EFGH-JKMN"
            )
        )
    )

    assert reader.metadata is not None
    assert reader.metadata.title == "Toegang Mijn DUO — aanvraag rollen"
    assert reader.metadata.author == "DUO"
    assert [round(float(side)) for side in reader.pages[0].mediabox[2:]] == [595, 842]


@pytest.mark.django_db
def test_markup_in_what_the_requester_typed_comes_out_as_literal_text() -> None:
    request = access_request(organisation_name="<b>Jan & Co</b>", signatory_name="<i>A & B</i>")
    AccessRequestPerson.objects.create(
        request=request,
        name="<b>Jan & Co</b>",
        email="jan@example.org",
        roles=[DuoRole.BEHEERDER],
    )

    pdf = access_request_pdf(request, upload_url=UPLOAD_URL, upload_code="ABCD-EFGH-JKMN")

    text = text_of(pdf)
    assert text.count("<b>Jan & Co</b>") == 2
    assert "<i>A & B</i>" in text
    check_signed_pdf(pdf, filename="aanvraag.pdf")


@pytest.mark.django_db
def test_a_request_for_many_persons_runs_over_several_pages_and_still_passes_the_check() -> None:
    request = access_request()
    AccessRequestPerson.objects.bulk_create(
        AccessRequestPerson(
            request=request,
            name=f"Persoon {number}",
            email=f"persoon{number}@zuiderlicht.example",
            roles=[DuoRole.REGISTREREN],
        )
        for number in range(60)
    )

    pdf = access_request_pdf(request, upload_url=UPLOAD_URL, upload_code="ABCD-EFGH-JKMN")

    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1
    assert "Persoon 59" in text_of(pdf)
    check_signed_pdf(pdf, filename="aanvraag.pdf")


@pytest.mark.django_db
def test_names_with_letters_beyond_western_european_ones_are_printed() -> None:
    request = access_request(contact_name="Łukasz Kowalski", coordinator_name="Şükrü Çelik")

    text = text_of(access_request_pdf(request, upload_url=UPLOAD_URL, upload_code="ABCD-EFGH-JKMN"))

    assert "Łukasz Kowalski" in text
    assert "Şükrü Çelik" in text
