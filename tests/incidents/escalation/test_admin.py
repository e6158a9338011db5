"""Escalation in the admin: policies with steps and targets, the plan on the incident page,
the outbox with its resend action."""

import pytest
from django.urls import reverse

from core.notifications.models import Delivery
from incidents.escalation.models import EscalationPolicy, EscalationStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_policy_pages_render(admin_client_):
    policy = EscalationPolicy.objects.get(is_default=True)
    assert (
        admin_client_.get(reverse("admin:incidents_escalationpolicy_changelist")).status_code == 200
    )
    page = admin_client_.get(reverse("admin:incidents_escalationpolicy_change", args=[policy.pk]))
    assert page.status_code == 200
    step = policy.steps.first()
    page = admin_client_.get(reverse("admin:incidents_escalationstep_change", args=[step.pk]))
    assert page.status_code == 200
    assert b"fall_through" in page.content


def test_a_step_is_edited_with_channel_checkboxes(admin_client_):
    policy = EscalationPolicy.objects.get(is_default=True)
    step = policy.steps.get(position=1)
    url = reverse("admin:incidents_escalationstep_change", args=[step.pk])
    data = {
        "policy": policy.pk,
        "position": 1,
        "delay": "00:05:00",
        "channels": ["email", "slack"],
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
    }
    for index, target in enumerate(step.targets.all()):
        data.update(
            {
                f"targets-{index}-id": target.pk,
                f"targets-{index}-step": step.pk,
                f"targets-{index}-kind": target.kind,
                f"targets-{index}-layer_position": target.layer_position,
                f"targets-{index}-fall_through": "on",
            }
        )
    count = step.targets.count()
    data.update({"targets-TOTAL_FORMS": str(count), "targets-INITIAL_FORMS": str(count)})
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    step = EscalationStep.objects.get(pk=step.pk)
    assert (step.channels, int(step.delay.total_seconds())) == (["email", "slack"], 300)


def test_incident_page_shows_the_plan_and_the_next_step(admin_client_, incident, sweep):
    sweep(0)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    page = admin_client_.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "hl-plan" in page
    assert "Test policy" in page
    assert "2026-03-10 10:15:00" in page  # the next step, in Seoul time


def test_deliveries_list_and_resend(admin_client_, incident, sweep):
    sweep(0)
    changelist = reverse("admin:core_delivery_changelist")
    assert admin_client_.get(changelist, {"status": "sent"}).status_code == 200
    delivery = Delivery.objects.get(object_id=incident.pk)
    response = admin_client_.post(
        changelist, {"action": "resend_selected", "_selected_action": [delivery.pk]}
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"  # sent again once the transaction commits


def test_support_engineers_see_deliveries(client, support_user):
    client.force_login(support_user)
    assert client.get(reverse("admin:core_delivery_changelist")).status_code == 200


def test_a_delivery_page_is_view_only_and_a_post_changes_nothing(admin_client_, incident, sweep):
    sweep(0)
    delivery = Delivery.objects.get(object_id=incident.pk)
    before = Delivery.objects.filter(pk=delivery.pk).values().get()
    url = reverse("admin:core_delivery_change", args=[delivery.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # no Save button: nothing to write back
    assert admin_client_.post(url, {}).status_code == 403
    assert Delivery.objects.filter(pk=delivery.pk).values().get() == before
    changelist = admin_client_.get(reverse("admin:core_delivery_changelist")).content.decode()
    assert "resend_selected" in changelist  # the list keeps its resend action
