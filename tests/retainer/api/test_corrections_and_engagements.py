"""Ledger corrections and diagnostics engagements through the API: who may, what is refused."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from core.people import person_name
from retainer.models import DiagnosticEngagement, LedgerEntry, WorkLog
from retainer.selectors import contract_balance
from retainer.services import ledger_post_adjustment
from retainer.services.diagnostics import engagement_create
from tests.retainer.factories import CustomerUserFactory, contract_with_allotment


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def customer_user(contract):
    return CustomerUserFactory(customer=contract.customer, user__username="hanbit").user


@pytest.fixture
def other_contract(db, clock):
    return contract_with_allotment(mm="6", code="OTHER-2026")


@pytest.fixture
def adjustment(contract, manager):
    return ledger_post_adjustment(
        contract=contract, amount=D("-1.5"), memo="Workshop", actor=manager
    )


def _reverse(client, contract, entry_id, memo="Posted to the wrong contract"):
    url = reverse("contract-ledger-reverse", args=[contract.pk])
    return client.post(url, {"entry": entry_id, "memo": memo}, format="json")


# --- adjustments ---------------------------------------------------------------------------------


def test_account_manager_posts_an_adjustment(as_user, manager, contract):
    url = reverse("contract-ledger", args=[contract.pk])
    response = as_user(manager).post(url, {"amount": "-0.75", "memo": "Workshop"}, format="json")

    assert response.status_code == 201, response.data
    assert (response.data["kind"], response.data["amount"]) == ("adjustment", "-0.7500")
    assert response.data["author"] == manager.username
    assert contract_balance(contract_id=contract.pk).balance == D("11.25")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "-0.5", "memo": "  "}, "memo"),
        ({"amount": "0", "memo": "Nothing"}, "amount"),
        ({"amount": "-0.12345", "memo": "Too precise"}, "amount"),
        ({"amount": "lots", "memo": "Not a number"}, "amount"),
        ({"memo": "No amount"}, "amount"),
    ],
)
def test_bad_adjustments_are_a_400_and_write_nothing(as_user, manager, contract, payload, field):
    url = reverse("contract-ledger", args=[contract.pk])
    response = as_user(manager).post(url, payload, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert LedgerEntry.objects.filter(contract=contract).count() == 1  # the allotment only


@pytest.mark.parametrize("who", ["engineer", "customer_user"])
def test_support_and_customers_cannot_adjust(request, as_user, contract, who):
    url = reverse("contract-ledger", args=[contract.pk])
    client = as_user(request.getfixturevalue(who))

    response = client.post(url, {"amount": "1", "memo": "Free M/M"}, format="json")

    assert response.status_code == 403
    assert LedgerEntry.objects.filter(contract=contract).count() == 1


# --- reversals -----------------------------------------------------------------------------------


def test_account_manager_reverses_an_entry(as_user, manager, contract, adjustment):
    response = _reverse(as_user(manager), contract, adjustment.pk)

    assert response.status_code == 201, response.data
    assert (response.data["amount"], response.data["reverses"]) == ("1.5000", adjustment.pk)
    assert response.data["memo"] == "Posted to the wrong contract"
    assert contract_balance(contract_id=contract.pk).balance == D("12")


def test_reversing_twice_is_refused_with_a_translated_message(
    as_user, manager, contract, adjustment
):
    client = as_user(manager)
    _reverse(client, contract, adjustment.pk)

    with translation.override("ko"):
        again = _reverse(client, contract, adjustment.pk, memo="Again")

    assert again.status_code == 400
    assert again.data["detail"] == ["이미 취소된 항목입니다."]
    assert LedgerEntry.objects.filter(contract=contract).count() == 3


def test_a_reversal_and_an_allotment_cannot_be_reversed(as_user, manager, contract, adjustment):
    client = as_user(manager)
    reversal = _reverse(client, contract, adjustment.pk).data
    allotment = LedgerEntry.objects.get(contract=contract, kind="allotment")

    assert _reverse(client, contract, reversal["id"]).status_code == 400
    assert _reverse(client, contract, allotment.pk).status_code == 400
    assert LedgerEntry.objects.filter(contract=contract).count() == 3


@pytest.mark.parametrize(
    "payload",
    [{"memo": "No entry"}, {"entry": "abc", "memo": "x"}, {"entry": 1, "memo": ""}],
)
def test_bad_reversal_input_is_a_400(as_user, manager, contract, adjustment, payload):
    url = reverse("contract-ledger-reverse", args=[contract.pk])
    if payload.get("entry") == 1:
        payload = {**payload, "entry": adjustment.pk}

    response = as_user(manager).post(url, payload, format="json")

    assert response.status_code == 400
    assert LedgerEntry.objects.filter(contract=contract).count() == 2


def test_an_entry_of_another_contract_is_a_400(
    as_user, manager, contract, other_contract, adjustment
):
    response = _reverse(as_user(manager), other_contract, adjustment.pk)

    assert response.status_code == 400
    assert "entry" in response.data
    assert not LedgerEntry.objects.filter(reverses=adjustment).exists()


@pytest.mark.parametrize("who", ["engineer", "customer_user"])
def test_support_and_customers_cannot_reverse(request, as_user, contract, adjustment, who):
    response = _reverse(as_user(request.getfixturevalue(who)), contract, adjustment.pk)

    assert response.status_code == 403
    assert not LedgerEntry.objects.filter(reverses=adjustment).exists()


def test_an_account_manager_without_the_ledger_permission_cannot_correct(
    as_user, manager, contract, adjustment
):
    for group in manager.groups.all():
        group.permissions.remove(Permission.objects.get(codename="add_ledgerentry"))
    client = as_user(manager)

    assert _reverse(client, contract, adjustment.pk).status_code == 403
    assert not LedgerEntry.objects.filter(reverses=adjustment).exists()


# --- engagements ---------------------------------------------------------------------------------

PLAN = {
    "title": "2026 상반기 정기 진단",
    "onsite_starts_on": "2026-04-06",
    "onsite_ends_on": "2026-04-10",
}


@pytest.fixture
def engagement(contract, engineer):
    return engagement_create(
        actor=engineer,
        contract=contract,
        title="DB 정기 진단",
        lead=engineer,
        onsite_starts_on=date(2026, 5, 4),
        onsite_ends_on=date(2026, 5, 8),
    )


@pytest.fixture
def other_engagement(other_contract, engineer):
    return engagement_create(
        actor=engineer,
        contract=other_contract,
        title="Other company's",
        onsite_starts_on=date(2026, 6, 1),
        onsite_ends_on=date(2026, 6, 3),
    )


@pytest.mark.parametrize("who", ["engineer", "manager"])
def test_staff_plan_an_engagement_with_computed_milestones(request, as_user, contract, who):
    client = as_user(request.getfixturevalue(who))

    response = client.post(
        reverse("engagement-list"), {**PLAN, "contract": contract.pk}, format="json"
    )

    assert response.status_code == 201, response.data
    assert [(m["kind"], m["due_on"]) for m in response.data["milestones"]] == [
        ("plan", "2026-03-06"),
        ("materials", "2026-03-23"),
        ("onsite", "2026-04-10"),
        ("report", "2026-04-17"),
        ("follow_up", "2026-05-15"),
    ]


def test_milestones_are_read_only_and_move_with_the_dates(as_user, manager, engagement):
    url = reverse("engagement-detail", args=[engagement.pk])
    response = as_user(manager).patch(
        url,
        {"onsite_starts_on": "2026-05-11", "onsite_ends_on": "2026-05-12", "milestones": []},
        format="json",
    )

    assert response.status_code == 200, response.data
    due = {m["kind"]: m["due_on"] for m in response.data["milestones"]}
    assert (due["onsite"], due["report"]) == ("2026-05-12", "2026-05-19")
    assert engagement.milestones.count() == 5


def test_engagement_errors_are_a_400(as_user, manager, contract):
    payload = {**PLAN, "contract": contract.pk, "onsite_ends_on": "2026-04-30"}  # 25 days

    response = as_user(manager).post(reverse("engagement-list"), payload, format="json")

    assert response.status_code == 400
    assert "onsite_ends_on" in response.data
    assert not DiagnosticEngagement.objects.exists()


def test_customer_reads_only_its_own_engagements(
    as_user, customer_user, engagement, other_engagement
):
    client = as_user(customer_user)

    listed = client.get(reverse("engagement-list")).data["results"]
    own = client.get(reverse("engagement-detail", args=[engagement.pk]))
    other = client.get(reverse("engagement-detail", args=[other_engagement.pk]))

    assert [e["id"] for e in listed] == [engagement.pk]
    assert own.status_code == 200
    assert own.data["lead"] == person_name(engagement.lead)
    assert other.status_code == 404


def test_customer_cannot_plan_or_change_engagements(as_user, customer_user, contract, engagement):
    client = as_user(customer_user)

    created = client.post(
        reverse("engagement-list"), {**PLAN, "contract": contract.pk}, format="json"
    )
    changed = client.patch(
        reverse("engagement-detail", args=[engagement.pk]), {"title": "Mine"}, format="json"
    )

    assert (created.status_code, changed.status_code) == (403, 403)
    engagement.refresh_from_db()
    assert engagement.title == "DB 정기 진단"


def test_work_logged_to_the_engagement_through_the_worklog_api(
    as_user, engineer, customer_user, contract, engagement
):
    response = as_user(engineer).post(
        reverse("worklog-list"),
        {
            "kind": "diagnostic",
            "engagement": engagement.pk,
            "hours": "100",
            "performed_on": "2026-05-05",
            "description": "On-site checks",
        },
        format="json",
    )

    assert response.status_code == 201, response.data
    work_log = WorkLog.objects.get(pk=response.data["id"])
    assert work_log.contract == contract
    entry = LedgerEntry.objects.get(engagement=engagement)  # the engagement's stream
    assert entry.amount == D("-0.63")  # 100 h / 160 → 0.625 → 0.63
    assert entry.work_log_id is None
    detail = as_user(customer_user).get(reverse("engagement-detail", args=[engagement.pk]))
    assert detail.data["logged_hours"] == "100.00"


def test_engagement_list_query_count_is_constant(
    as_user, manager, contract, engineer, django_assert_max_num_queries
):
    client = as_user(manager)
    for day in (1, 8, 15):
        engagement_create(
            actor=engineer,
            contract=contract,
            title=f"Check {day}",
            onsite_starts_on=date(2026, 6, day),
            onsite_ends_on=date(2026, 6, day + 1),
        )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("engagement-list"))
    assert response.data["count"] == 3
