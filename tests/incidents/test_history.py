"""History (django-simple-history): every service write is attributed to its actor."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.uploadedfile import SimpleUploadedFile

from core.access import ACCOUNT_MANAGER_GROUP, SUPPORT_GROUP
from incidents.models import Attachment, Incident, Severity, Status, TimelineEntry
from incidents.services import (
    attachment_add,
    incident_add_note,
    incident_transition,
    incident_update,
)
from tests.incidents.factories import IncidentFactory, incident_in_status, settle_postmortem

SEOUL = ZoneInfo("Asia/Seoul")
REPORTED = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)
HISTORIES = (Incident.history.model, TimelineEntry.history.model, Attachment.history.model)


def _history_marks() -> dict[type, int]:
    return {
        model: model.objects.order_by("-history_id").values_list("history_id", flat=True).first()
        or 0
        for model in HISTORIES
    }


def _history_since(marks: dict[type, int]) -> list:
    return [
        row for model, mark in marks.items() for row in model.objects.filter(history_id__gt=mark)
    ]


def _recorded_by(write: Callable[[], object]) -> tuple[list, set]:
    """Run a write; return the history rows it left and the set of their users."""
    marks = _history_marks()
    write()
    rows = _history_since(marks)
    return rows, {row.history_user for row in rows}


def test_create_is_recorded_as_the_actor(customer_a, customer_user_a):
    product = customer_a.products.get()

    rows, users = _recorded_by(
        lambda: IncidentFactory(customer=customer_a, actor=customer_user_a, products=[product])
    )

    assert {type(row) for row in rows} == {Incident.history.model, TimelineEntry.history.model}
    assert users == {customer_user_a}


def test_create_records_the_incident_with_its_products(customer_a, customer_user_a):
    product = customer_a.products.get()

    incident = IncidentFactory(customer=customer_a, actor=customer_user_a, products=[product])

    # Products are audited through the (historied) CREATED timeline entry, not an M2M history.
    created = incident.timeline.get(kind=TimelineEntry.Kind.CREATED)
    assert created.data["products"] == [str(product)]
    assert created.history.count() == 1


def test_anonymous_intake_is_recorded_without_a_user(customer_a):
    rows, users = _recorded_by(
        lambda: IncidentFactory(customer=customer_a, actor=AnonymousUser(), reporter_name="Kim")
    )

    assert rows
    assert users == {None}


def test_update_is_recorded_as_the_actor(customer_a, support_user):
    incident = IncidentFactory(customer=customer_a)

    rows, users = _recorded_by(
        lambda: incident_update(
            incident=incident,
            actor=support_user,
            data={"severity": Severity.CRITICAL, "products": list(customer_a.products.all())},
        )
    )

    assert {row.history_type for row in rows if isinstance(row, Incident.history.model)} == {"~"}
    assert users == {support_user}


@pytest.mark.parametrize(
    ("source", "name", "arguments"),
    [
        (Status.NEW, "acknowledge", {}),
        (Status.NEW, "cancel", {"reason": "false_alarm"}),
        (Status.ACKNOWLEDGED, "mitigate", {}),
        (Status.ACKNOWLEDGED, "resolve", {}),
        (Status.MITIGATED, "resolve", {}),
        (Status.RESOLVED, "reopen", {}),
        (Status.RESOLVED, "close", {}),
    ],
)
def test_transition_is_recorded_as_the_actor(source, name, arguments, customer_a, support_user):
    incident = incident_in_status(source, actor=None, reported_at=REPORTED, customer=customer_a)
    if name == "close":
        settle_postmortem(incident, actor=None)

    rows, users = _recorded_by(
        lambda: incident_transition(incident=incident, name=name, actor=support_user, **arguments)
    )

    assert incident.history.latest().status == incident.status
    assert len(rows) == 2  # the incident and its status entry
    assert users == {support_user}


@pytest.mark.parametrize("visibility", ["internal", "customer"])
def test_note_is_recorded_as_the_actor(visibility, customer_a, support_user):
    incident = IncidentFactory(customer=customer_a)

    rows, users = _recorded_by(
        lambda: incident_add_note(
            incident=incident, actor=support_user, text="Checking logs", visibility=visibility
        )
    )

    assert [type(row) for row in rows] == [TimelineEntry.history.model]
    assert users == {support_user}


def test_attachment_is_recorded_as_the_actor(customer_a, support_user):
    incident = IncidentFactory(customer=customer_a)
    upload = SimpleUploadedFile("app.log", b"ERROR timeout\n")

    rows, users = _recorded_by(
        lambda: attachment_add(incident=incident, upload=upload, actor=support_user)
    )

    assert {type(row) for row in rows} == {
        Attachment.history.model,
        TimelineEntry.history.model,
    }
    assert users == {support_user}


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


@pytest.mark.parametrize(
    ("group", "granted"),
    [
        (SUPPORT_GROUP, "incidents.view_incident"),
        (SUPPORT_GROUP, "incidents.add_incident"),
        (SUPPORT_GROUP, "incidents.change_incident"),
        (SUPPORT_GROUP, "incidents.add_timelineentry"),
        (SUPPORT_GROUP, "incidents.add_attachment"),
        (SUPPORT_GROUP, "retainer.view_contract"),
        (ACCOUNT_MANAGER_GROUP, "incidents.view_incident"),
        (ACCOUNT_MANAGER_GROUP, "retainer.change_contract"),
        (ACCOUNT_MANAGER_GROUP, "retainer.add_contract"),
        (ACCOUNT_MANAGER_GROUP, "retainer.change_customer"),
    ],
)
def test_staff_group_has_permission(group, granted, db):
    assert granted in _codenames(group)


@pytest.mark.parametrize(
    ("group", "refused"),
    [
        (SUPPORT_GROUP, "incidents.delete_incident"),
        (SUPPORT_GROUP, "incidents.delete_timelineentry"),
        (SUPPORT_GROUP, "retainer.change_contract"),
        (ACCOUNT_MANAGER_GROUP, "incidents.change_incident"),
        (ACCOUNT_MANAGER_GROUP, "incidents.delete_incident"),
        (ACCOUNT_MANAGER_GROUP, "retainer.delete_contract"),
    ],
)
def test_staff_group_lacks_permission(group, refused, db):
    assert refused not in _codenames(group)


def test_staff_group_permissions_reach_the_user(support_user, account_manager):
    assert support_user.has_perm("incidents.change_incident")
    assert not support_user.has_perm("incidents.delete_incident")
    assert account_manager.has_perm("retainer.change_contract")
    assert not account_manager.has_perm("incidents.change_incident")
