from django.db import migrations

# The cached figures over cases (tumorboard.figures.cached_by_case) are kept in parts, one per group of 1,024 case
# ids (figures.CASE_GROUP). A statement writing a case's row, or a plan, change record, follow-up, second opinion or
# agenda item of a case, adds the groups of the cases it wrote to the session's setting "figures.cases"
# (comma-separated, each group once), which the figures' execute wrapper takes after the statement; a rolled-back
# write's setting is rolled back with it. An UPDATE that changes nothing in a case's row (the profile lists' touch,
# migration 0017) names no group: the rows changed are found with EXCEPT, a hashed set operation (a join of the two
# transition tables, which have no statistics, was planned as a nested loop: minutes for one bulk update of 100k
# cases in `make bench-world`). A meeting's new start names the cases of the plans decided at it (when they were
# decided); nothing else of a meeting is counted (a meeting with plans cannot be deleted).
TOUCHED = """
CREATE OR REPLACE FUNCTION figures_cases_touched() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched int[];
BEGIN
    IF TG_TABLE_NAME = 'scheduling_meeting' THEN
        IF TG_OP = 'UPDATE' THEN
            SELECT array_agg(DISTINCT plan.case_id / 1024) INTO touched FROM cases_plan plan
            WHERE plan.meeting_id IN (SELECT id FROM (
                SELECT id, starts_at FROM new_rows EXCEPT SELECT id, starts_at FROM old_rows
            ) moved);
        END IF;
    ELSIF TG_TABLE_NAME = 'cases_case' THEN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT id / 1024) INTO touched FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT id / 1024) INTO touched FROM old_rows;
        ELSE
            SELECT array_agg(DISTINCT changed.id / 1024) INTO touched
            FROM (SELECT * FROM new_rows EXCEPT SELECT * FROM old_rows) changed;
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT case_id / 1024) INTO touched FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT case_id / 1024) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT case_id / 1024) INTO touched
        FROM (SELECT case_id FROM new_rows UNION ALL SELECT case_id FROM old_rows) written;
    END IF;
    IF touched IS NOT NULL THEN
        PERFORM set_config('figures.cases', (
            SELECT string_agg(DISTINCT groups, ',')
            FROM unnest(string_to_array(current_setting('figures.cases', true), ',') || touched::text[]) groups
            WHERE groups <> ''
        ), false);
    END IF;
    RETURN NULL;
END
$$;
"""
TABLES = [
    "cases_case",
    "cases_plan",
    "cases_changerecord",
    "cases_followup",
    "cases_secondopinion",
    "scheduling_agendaitem",
    "scheduling_meeting",
]
EVENTS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


# The parts are computed grouped by case group: without statistics of that expression, PostgreSQL guesses a group
# per row and sorts every row on disk (0.14 s instead of 0.06 s for the volume's parts at 100k cases).
STATISTICS = {"cases_case": "id", "cases_plan": "case_id", "cases_changerecord": "case_id"}


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # elsewhere a write of these tables makes every part stale (tumorboard.figures)
    schema_editor.execute(TOUCHED)
    for table, column in STATISTICS.items():
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {table}_figures_group ON ({column} / 1024) FROM {table}")
    for table in TABLES:
        for event, tables in EVENTS.items():
            schema_editor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_figures_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION figures_cases_touched()"
            )


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for event in EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_figures_{event} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS figures_cases_touched()")
    for table in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {table}_figures_group")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_representation_forgotten"),
        ("scheduling", "0007_cme"),
    ]

    operations = [
        migrations.RunPython(triggers_create, triggers_drop),
    ]
