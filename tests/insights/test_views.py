"""The dashboard on the admin home, its live endpoint and the metrics pages: access, figures,
filters, CSV, translation."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from core.people import person_name
from insights.metrics import PAGES
from tests.retainer.factories import UserFactory

DASHBOARD = "/admin/"
LIVE = "/admin/insights/dashboard/live/"
METRICS = [f"/admin/insights/metrics/{page.slug}/" for page in PAGES]
INSIGHTS_URLS = [LIVE, *METRICS]


def client_for(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", INSIGHTS_URLS)
@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_outsiders_are_sent_to_the_admin_login(url, who, customer_user_a):
    user = customer_user_a if who == "customer" else None

    response = client_for(user).get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", INSIGHTS_URLS)
@pytest.mark.parametrize("who", ["support_user", "account_manager"])
def test_staff_see_every_insights_page(url, who, request, clock):
    response = client_for(request.getfixturevalue(who)).get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", INSIGHTS_URLS)
def test_a_staff_flag_without_a_staff_group_is_not_enough(url, db):
    user = UserFactory(username="flagged", is_staff=True)

    assert client_for(user).get(url).status_code == 403


def test_the_dashboard_is_not_shown_to_a_staff_flag_without_a_staff_group(db):
    user = UserFactory(username="flagged", is_staff=True)

    response = client_for(user).get(DASHBOARD)

    assert response.status_code == 200
    assert b"ops-dashboard" not in response.content


def test_the_live_endpoint_answers_get_only(support_user):
    assert client_for(support_user).post(LIVE).status_code == 405


# --- the dashboard --------------------------------------------------------------------------------


def test_the_admin_home_shows_the_dashboard_and_keeps_the_app_list(known, support_user):
    response = client_for(support_user).get(DASHBOARD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Operations dashboard" in page
    assert reverse("admin:incidents_incident_changelist") in page  # the app list is still there
    assert known["waiting"].key in page
    assert "240:00:00 overdue" in page  # due 10 days ago
    assert "60.0%" in page
    assert "(3/5)" in page
    for url in METRICS:
        assert url in page
    assert 'src="/static/insights/dashboard.js"' in page


def test_the_dashboard_counts_open_incidents_by_severity_and_status(known, support_user):
    response = client_for(support_user).get(DASHBOARD)

    rows = {row["severity"].value: row for row in response.context["open_rows"]}
    # Open: waiting (2, new); feb, first, late (3, acknowledged). Resolved and cancelled are not.
    assert rows[2]["counts"] == [1, 0, 0]
    assert rows[3]["counts"] == [0, 3, 0]
    assert rows[1]["total"] == 0
    assert response.context["open_total"] == 4


def test_the_live_endpoint_returns_the_awaiting_incidents_with_their_countdown(known, support_user):
    waiting = known["waiting"]

    data = client_for(support_user).get(LIVE).json()

    (item,) = data["awaiting"]["items"]
    assert item["key"] == waiting.key
    assert item["seconds_left"] == -10 * 24 * 3600  # due on 03-10 12:00, now is 03-20 12:00
    assert datetime.fromisoformat(item["due_at"]) == waiting.response_due_at
    assert item["due_local"] == "03-10 12:00"
    assert item["reported_local"] == "03-10 10:00"
    assert item["customer"] == "Acme"
    assert item["severity_label"] == "2 - High"
    assert item["url"] == reverse("admin:incidents_incident_change", args=[waiting.pk])
    assert (data["awaiting"]["total"], data["awaiting"]["breached"]) == (1, 1)
    assert data["open"]["total"] == 4
    assert data["open"]["by_status"] == {"new": 1, "acknowledged": 3, "mitigated": 0}
    assert data["now"] == "2026-03-20T03:00:00+00:00"


def test_a_new_incident_appears_on_the_next_poll_with_its_time_left(
    known, support_user, customer_a, clock
):
    from tests.incidents.factories import IncidentFactory

    client = client_for(support_user)
    fresh = IncidentFactory(customer=customer_a, summary="Payments down")
    clock.shift(timedelta(minutes=5))

    data = client.get(LIVE).json()

    first = data["awaiting"]["items"][0]
    assert first["key"] == known["waiting"].key  # the closest deadline (long past) first
    second = data["awaiting"]["items"][1]
    assert (second["key"], second["summary"]) == (fresh.key, "Payments down")
    assert second["seconds_left"] == 115 * 60
    assert data["awaiting"]["total"] == 2


def test_the_dashboard_lists_contracts_at_80_percent(clock, support_user, account_manager):
    from decimal import Decimal

    from retainer.services.ledger import ledger_post_adjustment
    from tests.retainer.factories import contract_with_allotment

    contract = contract_with_allotment(code="BUSY-2026", mm="10", actor=account_manager)
    ledger_post_adjustment(
        contract=contract, amount=Decimal("-8.5"), memo="Work", actor=account_manager
    )
    contract_with_allotment(code="CALM-2026", mm="10", actor=account_manager)

    response = client_for(support_user).get(DASHBOARD)

    assert [row.contract.code for row in response.context["high_utilisation"]] == ["BUSY-2026"]
    assert "85.0%" in response.content.decode()


def test_the_dashboard_speaks_korean(known, support_user):
    response = client_for(support_user, language="ko").get(DASHBOARD)

    page = response.content.decode()
    assert "운영 대시보드" in page
    assert "대응 시작 대기" in page
    assert "240:00:00 초과" in page


# --- the metrics pages ------------------------------------------------------------------------

TIMES = "/admin/insights/metrics/times/"
PERIOD = {"start": "2026-02", "end": "2026-03"}


def test_response_times_page_shows_chart_and_table(known, support_user):
    response = client_for(support_user).get(TIMES, PERIOD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page
    assert 'class="metrics-chart"' in page
    ((table, _csv_url),) = response.context["tables"]
    assert table.display_rows()[1][:3] == [("2026-03", False), ("5", True), ("1h 00m", True)]
    assert table.display_rows()[1][4] == ("1h 45m", True)  # MTTR 105 minutes


def test_response_times_csv(known, support_user):
    response = client_for(support_user).get(TIMES, {**PERIOD, "format": "csv"})

    assert csv_rows(response) == [
        ["Month", "Incidents", "MTTA", "Acknowledged", "MTTR", "Resolved", "Mean TTD",
         "Detection recorded"],
        ["2026-02", "1", "10.0", "1", "", "0", "", "0"],
        ["2026-03", "5", "60.0", "4", "105.0", "2", "20.0", "1"],
    ]  # fmt: skip
    assert 'filename="times-2026-02_2026-03.csv"' in response["Content-Disposition"]


def test_csv_keeps_the_filters(known, support_user):
    response = client_for(support_user).get(TIMES, {**PERIOD, "severity": "1", "format": "csv"})

    assert csv_rows(response)[1:] == [
        ["2026-02", "0", "", "0", "", "0", "", "0"],
        ["2026-03", "1", "20.0", "1", "150.0", "1", "20.0", "1"],
    ]


def test_csv_links_carry_the_filters(known, support_user, customer_a):
    response = client_for(support_user).get(TIMES, {**PERIOD, "customer": customer_a.pk})

    ((_table, url),) = response.context["tables"]
    assert f"customer={customer_a.pk}" in url
    assert "format=csv" in url
    assert "table=times" in url


def test_slo_csv(known, support_user):
    response = client_for(support_user).get(
        "/admin/insights/metrics/slo/", {**PERIOD, "format": "csv"}
    )

    assert csv_rows(response) == [
        ["Month", "Incidents counted", "Met", "Breached", "Attainment"],
        ["2026-02", "1", "1", "0", "100.0"],
        ["2026-03", "5", "3", "2", "60.0"],
    ]


def test_services_page_has_a_csv_per_table(known, support_user, customer_a):
    from tests.incidents.factories import IncidentFactory

    IncidentFactory(
        customer=customer_a,
        service=customer_a.services.get(code="payments"),
        products=list(customer_a.products.all()),
    )
    url = "/admin/insights/metrics/services/"
    client = client_for(support_user)

    services = csv_rows(client.get(url, {"format": "csv", "table": "services"}))
    products = csv_rows(client.get(url, {"format": "csv", "table": "products"}))

    assert services == [
        ["Service", "Customer", "Incidents", "Severity 1-2", "Open"],
        ["Payments", "Acme", "1", "1", "1"],
    ]
    assert products[1] == ["Web shop", "Acme", "1", "1", "1"]
    assert client.get(url, {"format": "csv", "table": "nope"}).status_code == 404


def test_oncall_csv_has_a_column_per_month(db, support_user, clock):
    from tests.insights.conftest import seoul
    from tests.oncall.factories import make_page

    make_page(support_user, incident_id=7, at=seoul(2026, 3, 3, 2, 0))

    response = client_for(support_user).get(
        "/admin/insights/metrics/oncall/", {**PERIOD, "format": "csv"}
    )

    rows = csv_rows(response)
    assert rows[0] == ["Engineer", "2026-02", "2026-03", "Total"]
    name = person_name(support_user)
    assert [name, "0", "1", "1"] in rows


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "2026-04", "end": "2026-03"}, "The period must start before it ends."),
        ({"start": "2020-01", "end": "2026-03"}, "Choose at most 36 months."),
        ({"start": "March"}, "Enter a month as YYYY-MM."),
    ],
)
def test_a_bad_period_is_explained_and_the_default_shown(query, error, support_user, clock):
    response = client_for(support_user).get(TIMES, query)

    assert response.status_code == 200
    assert error in response.content.decode()
    filters = response.context["filters"]
    assert (f"{filters.first_month:%Y-%m}", f"{filters.last_month:%Y-%m}") == ("2025-04", "2026-03")


def test_metrics_pages_speak_korean(known, support_user):
    response = client_for(support_user, language="ko").get(TIMES, PERIOD)

    page = response.content.decode()
    assert "응답 시간" in page
    assert "1시간 00분" in page


def test_the_dashboard_lists_overdue_postmortems_and_action_items(known, support_user):
    from datetime import date

    from postmortems.models import ActionItem, PostMortem

    postmortem = PostMortem.objects.get(incident=known["sev1"])  # due 03-05 12:00, not delivered
    ActionItem.objects.create(
        post_mortem=postmortem,
        title="Alert on replication lag",
        type=ActionItem.Type.values[0],
        owner=support_user,
        due_date=date(2026, 3, 19),
    )
    ActionItem.objects.create(
        post_mortem=postmortem, title="Not due yet", type=ActionItem.Type.values[0],
        due_date=date(2026, 3, 20),
    )  # fmt: skip

    response = client_for(support_user).get(DASHBOARD)

    postmortems = response.context["overdue_postmortems"]
    assert [p.incident.key for p in postmortems.rows] == [known["sev1"].key, known["quick"].key]
    assert postmortems.total == 2
    items = response.context["overdue_action_items"]
    assert [item.title for item in items.rows] == ["Alert on replication lag"]
    assert "Alert on replication lag" in response.content.decode()


@pytest.mark.parametrize(
    "period", [{"start": "9999-01", "end": "9999-12"}, {"start": "0001-01", "end": "0001-02"}]
)
def test_a_period_out_of_range_is_refused_not_a_500(support_user, clock, period):
    response = client_for(support_user).get(TIMES, period)

    assert response.status_code == 200
    assert "Enter a month as YYYY-MM." in response.content.decode()
