"""Indexes that serve a case-insensitive name search by prefix
(``name:"exp-12*"``), as the search module writes it on each database:

- PostgreSQL: ``UPPER(name::text) LIKE UPPER(pattern)``, served by an index
  on ``UPPER(name::text) text_pattern_ops`` whatever the database collation;
- SQLite: ``name LIKE pattern`` (case-insensitive for ASCII), served by an
  index on ``name COLLATE NOCASE``.

The expressions differ by database, so the indexes are written in SQL here
rather than declared on the models.
"""

from django.db import migrations

NAMED_TABLES = [
    "experiments_experiment",
    "experiments_entrypoint",
    "experiments_queue",
    "experiments_plugin",
    "experiments_pluginparametertype",
    "experiments_mlmodel",
]


def index_name(table: str) -> str:
    return f"{table.removeprefix('experiments_')}_name_search_idx"


def create_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in NAMED_TABLES:
        if vendor == "postgresql":
            column = "UPPER((name)::text) text_pattern_ops"
        elif vendor == "sqlite":
            column = "name COLLATE NOCASE"
        else:
            continue
        schema_editor.execute(f"CREATE INDEX {index_name(table)} ON {table} ({column})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor not in {"postgresql", "sqlite"}:
        return
    for table in NAMED_TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("experiments", "0002_api_tokens")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
