from django.db import migrations

# A kept representation (CaseRepresentation) holds patient data: it is deleted as soon as the case's row or its
# patient's changes or goes, whoever writes it (a service, the ORM, raw SQL), so an outdated text (a corrected name,
# a deleted case) does not stay in its row until the next read. A write of a profile list touches the case's row
# (migration 0017), so it deletes the text too. The rows' versions (cases.api.case_reads) still decide whether a kept
# text is used: they also cover the rows that carry no patient data (board, meeting, physician, author, institution).
FORGET = """
CREATE OR REPLACE FUNCTION cases_representation_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'cases_case' THEN
        DELETE FROM cases_caserepresentation WHERE case_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM cases_caserepresentation
        WHERE case_id IN (SELECT id FROM cases_case WHERE patient_id IN (SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;
"""
TABLES = ["cases_case", "cases_patient"]
EVENTS = ["update", "delete"]


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the embedded SQLite keeps no representation
    schema_editor.execute(FORGET)
    for table in TABLES:
        for event in EVENTS:
            schema_editor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_forget_representation_{event} AFTER {event.upper()} ON {table} "
                "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_representation_forget()"
            )
    schema_editor.execute("DELETE FROM cases_caserepresentation")  # those kept before: outdated ones among them


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for event in EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_forget_representation_{event} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS cases_representation_forget()")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_case_list_index_only"),
    ]

    operations = [
        migrations.RunPython(triggers_create, triggers_drop),
    ]
