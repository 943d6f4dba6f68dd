"""Full-text search for the public register: stored search documents and their GIN indexes.

On PostgreSQL ``search_document`` is a stored ``tsvector`` (Dutch stemming) of a training's
names (weight A) and description (C), and of a provider's name (B); GIN indexes answer
``search_document @@ websearch_to_tsquery('dutch', …)``, and ranking reads the stored vector
instead of parsing every description again. SQLite (the embedded default) has no tsvector: the
columns hold NULL there, no index is made, and the search compares the words themselves
(``stap.register.search``).
"""

import django.contrib.postgres.search
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import stap.register.models

INDEXES = {
    "register_training_search_gin": "register_training",
    "register_provider_search_gin": "register_provider",
}


def create_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_document)"
        )


def drop_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("register", "0003_register_required")]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=stap.register.models.OnPostgreSQL(
                    django.contrib.postgres.search.SearchVector("name", config="dutch", weight="B")
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="training",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=stap.register.models.OnPostgreSQL(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "name", "short_name", config="dutch", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "description", config="dutch", weight="C"
                        ),
                        django.contrib.postgres.search.SearchConfig("dutch"),
                    )
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="training",
            index=models.Index(fields=["name", "id"], name="training_name_idx"),
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
