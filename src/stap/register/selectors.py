from django.db.models import QuerySet

from stap.identity.models import Organisation
from stap.register.models import Training


def trainings_for_organisation(*, organisation: Organisation) -> QuerySet[Training]:
    return Training.objects.filter(provider__organisation=organisation).order_by("name")
