"""The allocation counters for the grants made before they existed: each period's granted
amount, each offer's grants per year, and the year each held grant counts for."""

from zoneinfo import ZoneInfo

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

HOLDING = ("voorlopig_toegekend", "vastgesteld", "teruggevorderd")


def count_held_grants(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    application = apps.get_model("budget", "Application")
    period = apps.get_model("budget", "ApplicationPeriod")
    offer_year_grants = apps.get_model("budget", "OfferYearGrants")
    held = application.objects.filter(status__in=HOLDING, granted_at__isnull=False)
    held.update(grant_year=ExtractYear("granted_at", tzinfo=ZoneInfo("Europe/Amsterdam")))
    for row in held.values("period_id", "assisted").annotate(total=Sum("amount")):
        pool = "granted_reserved" if row["assisted"] else "granted"
        period.objects.filter(pk=row["period_id"]).update(**{pool: row["total"]})
    offer_year_grants.objects.bulk_create(
        offer_year_grants(offer_id=row["cohort__offer_id"], year=row["grant_year"], grants=row["n"])
        for row in held.values("cohort__offer_id", "grant_year").annotate(n=Count("pk"))
    )


class Migration(migrations.Migration):
    dependencies = [("budget", "0004_allocation")]

    operations = [migrations.RunPython(count_held_grants, migrations.RunPython.noop)]
