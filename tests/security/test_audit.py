"""Audit: every write path leaves history with its actor, and nothing may bypass history."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from rest_framework.authtoken.models import Token
from simple_history.utils import bulk_update_with_history

from incidents.models import Incident, TimelineEntry
from incidents.services import incident_transition
from retainer.models import Customer
from tests.security.conftest import client_as
from tests.security.guards import HistoryBypassError, tracked_models

BASE_DIR = Path(settings.BASE_DIR)
SOURCE_DIRS = ("config", "core", "incidents", "oncall", "retainer", "postmortems")
DOMAIN_APPS = ("core", "incidents", "retainer", "oncall", "postmortems")
# Rows that are deliberately not historied, and why. A new model belongs here only with a reason.
WITHOUT_HISTORY = {
    "core.SecurityEvent": "append-only security log; rows are never changed",
    "core.Delivery": "notification outbox bookkeeping (status, attempts), not domain data",
    "incidents.Timer": "due-time bookkeeping swept by beat; the timeline records what happened",
    "retainer.LedgerEntry": "append-only by a database trigger; corrections are new entries",
    "retainer.UtilisationAlert": "idempotency record of a sent alert",
    "retainer.ReportDispatch": "idempotency record of a sent monthly report",
    "oncall.ShiftReminder": "idempotency record of a sent reminder",
}


def latest_history(instance):
    return instance.history.order_by("-history_id").first()


# --- the guard --------------------------------------------------------------------------------


def test_queryset_update_on_a_historied_model_fails(incident_a):
    with pytest.raises(HistoryBypassError, match="bypasses django-simple-history"):
        Incident.objects.filter(pk=incident_a.pk).update(summary="rewritten")


def test_bulk_update_on_a_historied_model_fails(incident_a):
    incident_a.summary = "rewritten"
    with pytest.raises(HistoryBypassError):
        Incident.objects.bulk_update([incident_a], ["summary"])


def test_simple_historys_bulk_helper_is_allowed(customer_a, support_user):
    customer_a.hotline_phone = "02-555-0000"

    bulk_update_with_history([customer_a], Customer, ["hotline_phone"], default_user=support_user)

    assert latest_history(customer_a).history_user == support_user


def _receiver_root(node: ast.AST) -> tuple[str | None, bool]:
    """Return the name a call chain starts from and whether it goes through a manager."""
    through_manager = False
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            through_manager |= node.attr in ("objects", "_default_manager", "history")
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return (node.id if isinstance(node, ast.Name) else None), through_manager


def test_no_code_calls_update_or_bulk_update_on_a_historied_model():
    """Static scan: `Model.objects….update(` / `.bulk_update(` with a historied Model."""
    names = {model.__name__ for model in tracked_models()}
    found = []
    for folder in SOURCE_DIRS:
        for path in (BASE_DIR / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("update", "bulk_update")
                ):
                    continue
                root, through_manager = _receiver_root(node.func.value)
                if root in names and through_manager:
                    found.append(f"{path.relative_to(BASE_DIR)}:{node.lineno} {root}")
    assert not found, "update()/bulk_update() on historied models:\n" + "\n".join(found)


def test_every_domain_model_has_history_or_a_reason():
    tracked = tracked_models()
    missing = [
        model._meta.label
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
        and model not in tracked
        and model._meta.label not in WITHOUT_HISTORY
    ]
    assert not missing, (
        f"Models without django-simple-history: {missing}. Add `history = HistoricalRecords()` "
        "or, for bookkeeping rows, a reason in WITHOUT_HISTORY (tests/security/test_audit.py)."
    )


# --- every write path records its actor --------------------------------------------------------


def test_the_hotline_form_records_the_customer(users, customer_a, unknown_service):
    from retainer.models import Service

    service = Service.objects.get(customer=customer_a, code="payments")
    client_as(users["customer_a"]).post(
        "/hotline/new/",
        {"summary": "Down", "severity": "1", "service": service.pk, "contact_phone": "010"},
    )

    incident = Incident.objects.get(summary="Down")
    assert latest_history(incident).history_user == users["customer_a"]
    created = incident.timeline.get(kind=TimelineEntry.Kind.CREATED)
    assert latest_history(created).history_user == users["customer_a"]


def test_an_api_call_with_a_token_records_the_engineer(users, incident_a):
    token = Token.objects.create(user=users["support"])
    client = client_as(None, HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post(
        f"/api/v1/incidents/{incident_a.key}/acknowledge/", {}, "application/json"
    )

    assert response.status_code == 200
    incident_a.refresh_from_db()
    assert latest_history(incident_a).history_user == users["support"]


def test_an_admin_action_records_the_engineer(users, incident_a):
    client = client_as(users["support"])

    response = client.post(
        f"/admin/incidents/incident/{incident_a.pk}/transition/acknowledge/", {"note": ""}
    )

    assert response.status_code == 302
    incident_a.refresh_from_db()
    assert incident_a.status == "acknowledged"
    assert latest_history(incident_a).history_user == users["support"]


def test_an_admin_edit_of_a_customer_records_the_account_manager(users, customer_a):
    client = client_as(users["account_manager"])
    url = f"/admin/retainer/customer/{customer_a.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in {**form.initial, "hotline_phone": "02-777-0000"}.items()
        if value is not None
    }
    data.update(_inline_management(client.get(url).context))

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    customer_a.refresh_from_db()
    assert customer_a.hotline_phone == "02-777-0000"
    assert latest_history(customer_a).history_user == users["account_manager"]


def _inline_management(context) -> dict[str, str]:
    data = {}
    for formset in context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        management = formset.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{prefix}-{name}"] = management[name].value()
        for index, form in enumerate(formset.formset.forms):
            for field in form.fields:
                value = form[field].value()
                if value is not None:
                    data[f"{prefix}-{index}-{field}"] = value
    data = {
        key: ("on" if value is True else value) for key, value in data.items() if value is not False
    }
    return data


def test_a_service_called_by_a_task_or_command_records_the_actor_it_is_given(users, incident_a):
    """Outside any request (Celery, management commands) the actor comes from the caller."""
    incident_transition(incident=incident_a, name="acknowledge", actor=users["support"])

    incident_a.refresh_from_db()
    assert latest_history(incident_a).history_user == users["support"]
