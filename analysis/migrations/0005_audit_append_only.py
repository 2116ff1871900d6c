"""The database itself refuses to change an audit entry.

The model's pre_save guard only covers ``save()``; a queryset ``update()`` or raw SQL would get past
it. Deleting stays possible: deleting a recording deletes its review history with it.
"""

from django.db import migrations

MESSAGE = "audit entries are append-only"

POSTGRES = [
    "CREATE FUNCTION analysis_auditentry_refuse_update() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER analysis_auditentry_append_only BEFORE UPDATE ON analysis_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION analysis_auditentry_refuse_update()",
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS analysis_auditentry_append_only ON analysis_auditentry",
    "DROP FUNCTION IF EXISTS analysis_auditentry_refuse_update()",
]
SQLITE = [
    "CREATE TRIGGER analysis_auditentry_append_only BEFORE UPDATE ON analysis_auditentry "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS analysis_auditentry_append_only"]


def run(sql: dict[str, list[str]]):
    def apply(apps, schema_editor) -> None:
        # Other databases keep the model-level guard only.
        for statement in sql.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("analysis", "0004_reviews")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
