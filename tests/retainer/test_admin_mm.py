"""The M/M admin: contracts save through the services, the ledger is read-only, the report."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Status
from incidents.services import incident_resolve
from retainer.models import Contract, DiagnosticEngagement, LedgerEntry, WorkLog
from retainer.services import worklog_create
from tests.incidents.factories import incident_in_status
from tests.retainer.conftest import seoul
from tests.retainer.factories import CustomerFactory, work_log_deducted_per_log


def _login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_adding_an_active_contract_posts_the_allotment(manager, contract):
    response = _login(manager).post(
        reverse("admin:retainer_contract_add"),
        {
            "customer": contract.customer_id,
            "code": "HANBIT-B",
            "status": "active",
            "starts_on": "2026-02-01",
            "ends_on": "2027-01-31",
            "contracted_mm": "3",
            "hours_per_mm": "160",
            "carry_over_cap_percent": "20",
            "postmortem_policy": "severe",
            "response_minutes_sev1": "60",
            "response_minutes_sev2": "120",
            "response_minutes_sev3": "120",
            "response_minutes_sev4": "120",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Contract.objects.get(code="HANBIT-B")
    assert LedgerEntry.objects.get(contract=created).amount == D("3")


def test_contract_page_shows_balance_and_ledger(manager, contract):
    content = (
        _login(manager)
        .get(reverse("admin:retainer_contract_change", args=[contract.pk]))
        .content.decode()
    )

    assert "granted: 12" in content
    assert f"allotment:{contract.pk}#1" in content


@pytest.mark.parametrize("user", ["manager", "engineer"])
def test_ledger_entries_cannot_be_changed_or_deleted(request, user, contract):
    client = _login(request.getfixturevalue(user))
    entry = LedgerEntry.objects.get(contract=contract)

    change = client.post(reverse("admin:retainer_ledgerentry_change", args=[entry.pk]), {})
    delete = client.post(reverse("admin:retainer_ledgerentry_delete", args=[entry.pk]), {})

    assert change.status_code in (302, 403)  # the view-only page refuses the post
    assert delete.status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("12")


def test_account_manager_adds_an_adjustment(manager, contract):
    response = _login(manager).post(
        reverse("admin:retainer_ledgerentry_add"),
        {
            "contract": contract.pk,
            "amount": "-0.5",
            "effective_on": "2026-03-02",
            "memo": "Workshop",
        },
    )

    assert response.status_code == 302
    assert LedgerEntry.objects.filter(contract=contract, kind="adjustment").count() == 1


def test_engineer_logs_work_from_the_incident_page(engineer, contract):
    incident = incident_in_status(
        Status.ACKNOWLEDGED,
        actor=engineer,
        reported_at=seoul(2026, 3, 10, 9, 0),
        customer=contract.customer,
    )
    client = _login(engineer)
    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    add_url = reverse("admin:retainer_worklog_add") + f"?kind=incident&incident={incident.pk}"
    assert add_url.replace("&", "&amp;") in page.content.decode()

    response = client.post(
        add_url,
        {
            "engineer": engineer.pk,
            "kind": "incident",
            "incident": incident.pk,
            "hours": "1.5",
            "performed_on": "2026-03-10",
            "billable": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert WorkLog.objects.get(incident=incident).hours == D("1.5")
    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    assert "1.50" in page.content.decode()


def test_report_page_and_exports(manager, engineer, contract):
    worklog_create(
        actor=engineer,
        kind="advisory",
        contract=contract,
        hours=D("16"),
        performed_on=date(2026, 3, 3),
        description="Index review",
    )
    client = _login(manager)
    url = reverse("admin:retainer_contract_report", args=[contract.pk])

    page = client.get(url, {"month": "2026-03"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "<svg" in content
    assert "<script>" not in content  # no inline script: the chart is server-rendered SVG
    assert "Closing balance (M/M)" in content
    assert "11.9" in content
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml"), ("pdf", "application/pdf")):
        response = client.get(url, {"month": "2026-03", "format": fmt})
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert "attachment" in response["Content-Disposition"]


def test_overview_lists_contracts(manager, contract):
    response = _login(manager).get(
        reverse("admin:retainer_contract_overview"), {"month": "2026-03", "sort": "utilisation"}
    )
    assert response.status_code == 200
    assert "HANBIT-2026" in response.content.decode()


def test_support_cannot_open_the_report(engineer, contract):
    url = reverse("admin:retainer_contract_report", args=[contract.pk])
    assert _login(engineer).get(url).status_code == 403


def test_overview_flags_incidents_without_an_active_contract(manager, engineer, contract):
    stranger = CustomerFactory(name="Walk-in", code="walkin", account_manager=manager)
    incident = incident_in_status(
        Status.NEW, actor=engineer, reported_at=seoul(2026, 3, 5, 9, 0), customer=stranger
    )

    content = (
        _login(manager)
        .get(reverse("admin:retainer_contract_overview"), {"month": "2026-03"})
        .content.decode()
    )

    assert incident.contract_id is None
    assert "Filed without an active contract" in content
    assert reverse("admin:incidents_incident_change", args=[incident.pk]) in content
    assert "Walk-in" in content


def _resolved_with_two_logs(contract, engineer):
    """An incident with 1 h and 100 h of work, resolved: the ledger deducts 1.0 M/M."""
    incident = incident_in_status(
        Status.ACKNOWLEDGED,
        actor=engineer,
        reported_at=seoul(2026, 3, 10, 9, 0),
        customer=contract.customer,
    )
    worklog_create(actor=engineer, kind=WorkLog.Kind.INCIDENT, incident=incident, hours=D("1"))
    big = worklog_create(
        actor=engineer, kind=WorkLog.Kind.INCIDENT, incident=incident, hours=D("100")
    )
    incident_resolve(incident=incident, actor=engineer)
    return incident, big


def _incident_entries(contract, incident):
    rows = LedgerEntry.objects.filter(contract=contract, incident=incident).order_by("pk")
    return list(rows.values_list("kind", "amount"))


@pytest.mark.parametrize("how", ["delete_view", "delete_selected"])
def test_deleting_work_in_the_admin_corrects_the_deduction(contract, engineer, how):
    incident, big = _resolved_with_two_logs(contract, engineer)
    assert _incident_entries(contract, incident) == [("deduction", D("-1.0"))]
    client = _login(engineer)
    if how == "delete_view":
        url = reverse("admin:retainer_worklog_delete", args=[big.pk])
        response = client.post(url, {"post": "yes"})
    else:
        data = {"action": "delete_selected", "_selected_action": [big.pk], "post": "yes"}
        response = client.post(reverse("admin:retainer_worklog_changelist"), data)
    assert response.status_code == 302
    assert not WorkLog.objects.filter(pk=big.pk).exists()
    # 101 h deducted 1.0 M/M (capped at the incident's actual effort, 0.5 M/M per 80 h);
    # 1 h alone deducts 0.5 less: the correction is a new entry, the deduction stays.
    entries = _incident_entries(contract, incident)
    assert entries[0] == ("deduction", D("-1.0"))
    assert sum(amount for _, amount in entries) == D("-0.5")
    assert big.__class__.history.filter(id=big.pk, history_type="-").get().history_user == engineer


def test_work_deducted_on_its_own_is_not_deletable_in_the_admin(contract, engineer):
    engagement = DiagnosticEngagement.objects.create(
        contract=contract,
        title="Annual DB review",
        onsite_starts_on=date(2026, 4, 6),
        onsite_ends_on=date(2026, 4, 10),
    )
    # deducted before effort streams: its own ledger entries point at it
    work = work_log_deducted_per_log(
        engineer=engineer, kind="diagnostic", engagement=engagement, hours="16"
    )
    client = _login(engineer)
    page = client.get(reverse("admin:retainer_worklog_delete", args=[work.pk]))
    assert page.status_code == 403
    data = {"action": "delete_selected", "_selected_action": [work.pk], "post": "yes"}
    response = client.post(reverse("admin:retainer_worklog_changelist"), data)
    assert response.status_code in (200, 302)
    assert WorkLog.objects.filter(pk=work.pk).exists()


def test_deleting_diagnostic_work_in_the_admin_gives_its_mm_back(contract, engineer):
    engagement = DiagnosticEngagement.objects.create(
        contract=contract,
        title="Annual DB review",
        onsite_starts_on=date(2026, 4, 6),
        onsite_ends_on=date(2026, 4, 10),
    )
    work = worklog_create(actor=engineer, kind="diagnostic", engagement=engagement, hours=D("16"))
    url = reverse("admin:retainer_worklog_delete", args=[work.pk])

    response = _login(engineer).post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not WorkLog.objects.filter(pk=work.pk).exists()
    amounts = LedgerEntry.objects.filter(engagement=engagement).values_list("amount", flat=True)
    assert list(amounts.order_by("id")) == [D("-0.10"), D("0.10")]


def test_adding_a_second_renewal_is_a_form_error(manager, contract):
    client = _login(manager)
    form = {
        "customer": contract.customer_id,
        "status": "draft",
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "previous_contract": contract.pk,
        "contracted_mm": "12",
        "hours_per_mm": "160",
        "carry_over_cap_percent": "20",
        "postmortem_policy": "severe",
        "response_minutes_sev1": "120",
        "response_minutes_sev2": "120",
        "response_minutes_sev3": "120",
        "response_minutes_sev4": "120",
    }
    url = reverse("admin:retainer_contract_add")

    first = client.post(url, {**form, "code": "HANBIT-2027"})
    second = client.post(url, {**form, "code": "HANBIT-2027-B"})

    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["adminform"].form.errors == {
        "previous_contract": ["Contract HANBIT-2026 has already been renewed by HANBIT-2027."]
    }
    assert not Contract.objects.filter(code="HANBIT-2027-B").exists()


def test_deleting_several_logs_locks_their_incidents_first(contract, engineer):
    """A resolution locks its incident, then the contract; a bulk delete that locked the
    contract (first log) before the next log's incident could deadlock with it."""
    first, _ = _resolved_with_two_logs(contract, engineer)
    second, _ = _resolved_with_two_logs(contract, engineer)
    logs = list(WorkLog.objects.filter(incident__in=[first, second]).values_list("pk", flat=True))
    data = {"action": "delete_selected", "_selected_action": logs, "post": "yes"}
    with CaptureQueriesContext(connection) as queries:
        response = _login(engineer).post(reverse("admin:retainer_worklog_changelist"), data)
    assert response.status_code == 302
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert '"incidents_incident"' in locks[0].split(" WHERE ")[0]
    assert not WorkLog.objects.filter(pk__in=logs).exists()
