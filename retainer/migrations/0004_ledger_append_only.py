"""Make the M/M ledger append-only in the database: UPDATE and DELETE raise (PostgreSQL).

The admin and the services never change an entry, but this refuses it for every client,
including raw SQL. TRUNCATE (the test suite's flush) is a statement, not a row event, and
is not affected. SQLite (the demo database) gets no trigger.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION retainer_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'retainer_ledgerentry is append-only: % refused; post a reversing entry', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS retainer_ledger_append_only ON retainer_ledgerentry;
CREATE TRIGGER retainer_ledger_append_only
    BEFORE UPDATE OR DELETE ON retainer_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION retainer_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS retainer_ledger_append_only ON retainer_ledgerentry;
DROP FUNCTION IF EXISTS retainer_ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("retainer", "0003_mm_ledger")]
    operations = [migrations.RunPython(forwards, backwards)]
