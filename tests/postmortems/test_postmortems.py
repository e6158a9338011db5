"""Post-mortems: creation at resolution, the workflow, customer pages and exports (DESIGN §6)."""

from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents.escalation.models import SloKind, SloTimer
from incidents.models import Severity, TimelineEntry
from incidents.services import incident_transition
from postmortems.models import ActionItem, PostMortem
from postmortems.services import (
    postmortem_acknowledge,
    postmortem_approve,
    postmortem_publish,
    postmortem_submit,
)
from tests.incidents.factories import IncidentFactory
from tests.postmortems.factories import published_postmortem, resolve
from tests.security.conftest import client_as

SEOUL = ZoneInfo("Asia/Seoul")
REPORTED = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)
RESOLVED = REPORTED + timedelta(hours=2)


@pytest.fixture
def incident(customer_a, customer_user_a):
    return IncidentFactory(
        customer=customer_a,
        reporter=customer_user_a,
        actor=customer_user_a,
        summary="Acme checkout is down",
        severity=Severity.HIGH,
        now=REPORTED,
    )


def test_resolving_a_severity_2_incident_opens_its_postmortem(incident, support_user):
    resolve(incident, support_user, now=RESOLVED)
    postmortem = PostMortem.objects.get(incident=incident)
    assert postmortem.status == PostMortem.Status.DRAFT
    assert postmortem.due_at == RESOLVED + timedelta(hours=72)
    assert postmortem.owner == support_user
    assert SloTimer.objects.filter(incident=incident, kind=SloKind.POSTMORTEM).exists()


def test_a_severity_3_incident_gets_no_postmortem(customer_a, support_user):
    incident = IncidentFactory(customer=customer_a, severity=Severity.MEDIUM)
    resolve(incident, support_user)
    assert not PostMortem.objects.filter(incident=incident).exists()


def test_a_contract_requiring_all_gets_one_for_severity_3(customer_a, support_user):
    incident = IncidentFactory(customer=customer_a, severity=Severity.MEDIUM)
    incident.contract.postmortem_policy = "all"
    incident.contract.save()
    resolve(incident, support_user)
    assert PostMortem.objects.filter(incident=incident).exists()


def test_reopen_and_resolve_again_keeps_the_postmortem(incident, support_user):
    resolve(incident, support_user)
    first = PostMortem.objects.get(incident=incident)
    incident_transition(incident=incident, name="reopen", actor=support_user)
    incident_transition(incident=incident, name="resolve", actor=support_user)
    assert list(PostMortem.objects.filter(incident=incident)) == [first]


def test_the_timeline_is_prefilled_from_the_incident(incident, support_user):
    resolve(incident, support_user)
    postmortem = PostMortem.objects.get(incident=incident)
    lines = postmortem.timeline_text.splitlines()
    assert lines[0].startswith("- 2026-03-02 09:00")
    assert "Acme checkout is down" in lines[0]
    assert len(lines) == incident.timeline.filter(visibility="customer").count()


def test_the_workflow_runs_to_acknowledged(incident, support_user, customer_user_a):
    resolve(incident, support_user, now=RESOLVED)
    postmortem = PostMortem.objects.get(incident=incident)
    postmortem_submit(postmortem=postmortem, actor=support_user, reviewers=[support_user])
    postmortem_approve(postmortem=postmortem, actor=support_user)
    delivered = RESOLVED + timedelta(hours=10)
    postmortem_publish(postmortem=postmortem, actor=support_user, now=delivered)
    assert postmortem.delivered_at == delivered
    assert postmortem.on_time is True
    slo = SloTimer.objects.get(incident=incident, kind=SloKind.POSTMORTEM)
    assert slo.stopped_at is not None
    postmortem_acknowledge(postmortem=postmortem, actor=customer_user_a)
    assert postmortem.status == PostMortem.Status.ACKNOWLEDGED
    shown = incident.timeline.filter(visibility=TimelineEntry.Visibility.CUSTOMER)
    assert [e.data["transition"] for e in shown.filter(data__has_key="postmortem")] == [
        "publish",
        "acknowledge",
    ]


def test_late_delivery_is_not_on_time(incident, support_user):
    resolve(incident, support_user, now=RESOLVED)
    postmortem = PostMortem.objects.get(incident=incident)
    postmortem_submit(postmortem=postmortem, actor=support_user, reviewers=[support_user])
    postmortem_approve(postmortem=postmortem, actor=support_user)
    postmortem_publish(postmortem=postmortem, actor=support_user, now=RESOLVED + timedelta(days=4))
    assert postmortem.on_time is False


@pytest.mark.parametrize(
    "service", [postmortem_approve, postmortem_publish, postmortem_acknowledge]
)
def test_out_of_order_transitions_are_refused(incident, support_user, service):
    resolve(incident, support_user)
    postmortem = PostMortem.objects.get(incident=incident)
    with pytest.raises(ValidationError) as refused:
        service(postmortem=postmortem, actor=support_user)
    assert refused.value.code == "invalid_transition"
    postmortem.refresh_from_db()
    assert postmortem.status == PostMortem.Status.DRAFT


def test_customer_sees_its_published_postmortem(incident, support_user, customer_user_a):
    postmortem = published_postmortem(incident, support_user)
    client = client_as(customer_user_a)
    assert incident.key in client.get(reverse("postmortems:list")).content.decode()
    page = client.get(reverse("postmortems:detail", args=[postmortem.pk]))
    assert "Checkout failed for 40 minutes." in page.content.decode()
    # A section left empty reads "-" (as in the PDF), not a heading over nothing.
    assert "<h2>Where we got lucky</h2><p>-</p>" in page.content.decode()


def test_acknowledge_button(incident, support_user, customer_user_a):
    postmortem = published_postmortem(incident, support_user)
    client_as(customer_user_a).post(reverse("postmortems:acknowledge", args=[postmortem.pk]))
    postmortem.refresh_from_db()
    assert postmortem.status == PostMortem.Status.ACKNOWLEDGED


def test_another_company_gets_404(incident, support_user, customer_user_b):
    postmortem = published_postmortem(incident, support_user)
    client = client_as(customer_user_b)
    assert client.get(reverse("postmortems:detail", args=[postmortem.pk])).status_code == 404
    assert client.get(reverse("postmortems:export_html", args=[postmortem.pk])).status_code == 404
    assert incident.key not in client.get(reverse("postmortems:list")).content.decode()


def test_drafts_are_invisible_to_customers(incident, support_user, customer_user_a):
    resolve(incident, support_user)
    postmortem = PostMortem.objects.get(incident=incident)
    client = client_as(customer_user_a)
    assert client.get(reverse("postmortems:detail", args=[postmortem.pk])).status_code == 404
    url = reverse("postmortems:export_markdown", args=[postmortem.pk])
    assert client.get(url).status_code == 404
    assert client_as(support_user).get(url).status_code == 200


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_exports_contain_the_report_and_action_items(incident, support_user, customer_user_a):
    postmortem = published_postmortem(incident, support_user)
    ActionItem.objects.create(
        post_mortem=postmortem, title="Add a checkout health check", type="detect"
    )
    client = client_as(customer_user_a)
    markdown = client.get(reverse("postmortems:export_markdown", args=[postmortem.pk]))
    assert markdown["Content-Type"].startswith("text/markdown")
    body = markdown.content.decode()
    assert f"# Post-mortem of {incident.key}" in body
    assert "Checkout failed for 40 minutes." in body
    assert "Add a checkout health check" in body
    html = client.get(reverse("postmortems:export_html", args=[postmortem.pk]))
    assert "attachment" in html["Content-Disposition"]
    parser = _Text()
    parser.feed(html.content.decode())
    text = " ".join(parser.text)
    assert "Checkout failed for 40 minutes." in text
    assert "Add a checkout health check" in text
    assert "link" not in parser.tags
    assert "script" not in parser.tags


def test_action_items_keep_history(incident, support_user):
    postmortem = published_postmortem(incident, support_user)
    item = ActionItem.objects.create(post_mortem=postmortem, title="Alert on 5xx", type="detect")
    item.status = ActionItem.Status.DONE
    item.save()
    assert item.history.count() == 2
    assert item in postmortem.action_items.all()
