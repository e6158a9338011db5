"""Post-mortem writes lock the incident before the post-mortem, as incident transitions do.

A resolution locks the incident and then opens or moves its post-mortem; publishing used to lock
the post-mortem (with the incident, in one statement whose row order PostgreSQL does not fix)
before the incident. Found by review with two threads: "deadlock detected", a 500.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from postmortems.services import (
    postmortem_approve,
    postmortem_cancel,
    postmortem_publish,
    postmortem_submit,
)


def _locks(queries) -> list[str]:
    return [q["sql"].split(" FROM ")[1].split()[0] for q in queries if "FOR UPDATE" in q["sql"]]


def test_publishing_locks_the_incident_first(draft, support_user):
    postmortem_submit(postmortem=draft, actor=support_user, reviewers=[support_user])
    postmortem_approve(postmortem=draft, actor=support_user)
    with CaptureQueriesContext(connection) as queries:
        postmortem_publish(postmortem=draft, actor=support_user)
    locks = _locks(queries)
    assert locks[0] == '"incidents_incident"'
    # The post-mortem's own lock takes its row only, not the joined incident's again.
    assert any('FOR UPDATE OF "postmortems_postmortem"' in q["sql"] for q in queries)


def test_cancelling_locks_the_incident_first(draft, support_user):
    with CaptureQueriesContext(connection) as queries:
        postmortem_cancel(postmortem=draft, reason="No impact", actor=support_user)
    assert _locks(queries)[0] == '"incidents_incident"'
