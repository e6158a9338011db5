"""Template completeness and the workflow: reviewers, cancel with a reason, re-pull, edits."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from incidents.escalation.models import SloKind, SloTimer
from incidents.models import TimelineEntry
from incidents.services import incident_add_note
from postmortems.action_items import action_item_create, action_item_update
from postmortems.models import ActionItem, PostMortem, Reminder
from postmortems.services import (
    postmortem_approve,
    postmortem_cancel,
    postmortem_publish,
    postmortem_set_reviewers,
    postmortem_submit,
    postmortem_timeline_repull,
    postmortem_update,
)
from tests.postmortems.conftest import RESOLVED
from tests.retainer.factories import SupportUserFactory

Status = PostMortem.Status


def test_creation_prefills_impact_from_the_incident(draft, sev2_incident):
    assert draft.impact_duration == sev2_incident.time_to_resolve == timedelta(hours=2)
    assert set(draft.products.all()) == set(sev2_incident.products.all())
    assert sorted(draft.reminders.values_list("kind", "due_at")) == sorted(
        [
            ("due_24h", draft.due_at - timedelta(hours=24)),
            ("due_4h", draft.due_at - timedelta(hours=4)),
            ("overdue", draft.due_at),
        ]
    )


def test_submit_without_a_reviewer_is_refused(draft, support_user):
    with pytest.raises(ValidationError) as refused:
        postmortem_submit(postmortem=draft, actor=support_user)
    assert refused.value.code == "no_reviewer"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_reviewers_must_be_staff(draft, support_user, customer_user_a):
    with pytest.raises(ValidationError):
        postmortem_submit(postmortem=draft, actor=support_user, reviewers=[customer_user_a])
    assert not draft.reviewers.exists()


def test_submit_names_the_reviewers_on_the_timeline_and_in_history(draft, support_user):
    reviewer = SupportUserFactory(username="reviewer", first_name="Min", last_name="Kim")
    postmortem_submit(postmortem=draft, actor=support_user, reviewers=[reviewer])
    assert draft.status == Status.IN_REVIEW
    entry = draft.incident.timeline.filter(data__transition="submit").get()
    assert "Min Kim" in entry.text
    assert entry.visibility == TimelineEntry.Visibility.INTERNAL
    named = [h for h in draft.history.all() if list(h.reviewers.all())]
    assert named, "the reviewers are recorded in the post-mortem's history"


def test_cancel_needs_a_reason(draft, support_user):
    with pytest.raises(ValidationError) as refused:
        postmortem_cancel(postmortem=draft, reason="  ", actor=support_user)
    assert "reason" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_cancel_records_the_reason_and_stops_the_clock(draft, support_user, clock):
    clock.move_to(RESOLVED + timedelta(hours=5))
    postmortem_cancel(
        postmortem=draft, reason="A test system, no customer impact", actor=support_user
    )
    assert draft.status == Status.CANCELLED
    assert draft.cancel_reason == "A test system, no customer impact"
    entry = draft.incident.timeline.get(data__transition="cancel")
    assert "A test system, no customer impact" in entry.text
    slo = SloTimer.objects.get(incident=draft.incident, kind=SloKind.POSTMORTEM)
    assert slo.state == SloTimer.State.CANCELLED
    assert set(draft.reminders.values_list("state", flat=True)) == {Reminder.State.CANCELLED}


def test_a_published_postmortem_cannot_be_cancelled(draft, support_user):
    postmortem_submit(postmortem=draft, actor=support_user, reviewers=[support_user])
    postmortem_approve(postmortem=draft, actor=support_user)
    postmortem_publish(postmortem=draft, actor=support_user)
    with pytest.raises(ValidationError) as refused:
        postmortem_cancel(postmortem=draft, reason="Not needed", actor=support_user)
    assert refused.value.code == "invalid_transition"
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_repull_refreshes_the_timeline(draft, support_user, sev2_incident):
    draft.timeline_text = "edited by hand"
    draft.save()
    incident_add_note(
        incident=sev2_incident, actor=support_user, text="Failover done", visibility="customer"
    )
    postmortem_timeline_repull(postmortem=draft, actor=support_user)
    assert "edited by hand" not in draft.timeline_text
    assert "Failover done" in draft.timeline_text
    assert draft.history.first().history_user == support_user


def test_repull_is_refused_once_approved(draft, support_user):
    postmortem_submit(postmortem=draft, actor=support_user, reviewers=[support_user])
    postmortem_approve(postmortem=draft, actor=support_user)
    with pytest.raises(ValidationError):
        postmortem_timeline_repull(postmortem=draft, actor=support_user)


def test_update_changes_the_template_and_refuses_after_publication(draft, support_user):
    postmortem_update(
        postmortem=draft,
        actor=support_user,
        data={"five_whys": "1. Why? Disk full.", "users_affected": 1200},
    )
    assert (draft.five_whys, draft.users_affected) == ("1. Why? Disk full.", 1200)
    postmortem_set_reviewers(postmortem=draft, reviewers=[support_user], actor=support_user)
    for service in (postmortem_submit, postmortem_approve, postmortem_publish):
        service(postmortem=draft, actor=support_user)
    with pytest.raises(ValidationError):
        postmortem_update(postmortem=draft, actor=support_user, data={"summary": "rewritten"})
    draft.refresh_from_db()
    assert draft.summary != "rewritten"


def test_update_refuses_another_customers_products(draft, support_user, customer_b):
    with pytest.raises(ValidationError):
        postmortem_update(
            postmortem=draft, actor=support_user, data={"products": list(customer_b.products.all())}
        )


def test_action_items_are_created_and_updated_with_history(draft, support_user, customer_user_a):
    item = action_item_create(
        postmortem=draft, actor=support_user, data={"title": "Add disk alerts", "type": "detect"}
    )
    action_item_update(item=item, actor=support_user, data={"status": ActionItem.Status.DONE})
    assert item.status == ActionItem.Status.DONE
    assert [h.history_user for h in item.history.all()] == [support_user, support_user]
    with pytest.raises(ValidationError):
        action_item_update(item=item, actor=support_user, data={"owner": customer_user_a})


def test_only_a_named_reviewer_approves(draft, support_user):
    reviewer = SupportUserFactory(username="reviewer", first_name="Min", last_name="Kim")
    postmortem_submit(postmortem=draft, actor=support_user, reviewers=[reviewer])
    with pytest.raises(ValidationError) as refused:
        postmortem_approve(postmortem=draft, actor=support_user)  # the writer, not a reviewer
    assert refused.value.code == "not_a_reviewer"
    assert "Min Kim" in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert not draft.incident.timeline.filter(data__transition="approve").exists()

    postmortem_approve(postmortem=draft, actor=reviewer)
    assert draft.status == Status.APPROVED
    entry = draft.incident.timeline.get(data__transition="approve")
    assert entry.actor == reviewer
    assert draft.history.first().history_user == reviewer


def test_a_reviewer_who_left_the_staff_cannot_approve_a_superuser_can(
    draft, support_user, django_user_model
):
    reviewer = SupportUserFactory(username="leaver")
    postmortem_submit(postmortem=draft, actor=support_user, reviewers=[reviewer])
    reviewer.groups.clear()
    reviewer = django_user_model.objects.get(pk=reviewer.pk)  # no cached groups
    with pytest.raises(ValidationError):
        postmortem_approve(postmortem=draft, actor=reviewer)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    postmortem_approve(postmortem=draft, actor=admin)
    assert draft.status == Status.APPROVED
