"""The PDF with the Korean font, the customer pages' download, and the admin change page:
its buttons (POST, CSRF), messages instead of errors, the guidance and TTD/TTA/TTR."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from postmortems.action_items import action_item_create, action_item_update
from postmortems.exports import postmortem_pdf
from postmortems.models import ActionItem, PostMortem
from postmortems.services import postmortem_transition
from tests.postmortems.factories import published_postmortem, resolved_postmortem
from tests.retainer.factories import SupportUserFactory
from tests.security.conftest import client_as


def _pdf_text(content: bytes) -> tuple[str, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = [
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    ]
    return text, fonts


def test_pdf_carries_the_report_in_korean(draft, support_user):
    draft.five_whys = "디스크가 가득 찼다. 로그 회전이 꺼져 있었다."
    draft.save()
    text, fonts = _pdf_text(postmortem_pdf(draft))
    assert "디스크가 가득 찼다" in text
    assert draft.incident.key in text
    assert any("Nanum" in font for font in fonts)


def test_customer_downloads_the_pdf_of_its_published_report(
    sev2_incident, support_user, customer_user_a, customer_user_b, clock
):
    postmortem = published_postmortem(sev2_incident, support_user)
    url = reverse("postmortems:export_pdf", args=[postmortem.pk])
    response = client_as(customer_user_a).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "Checkout failed for 40 minutes." in _pdf_text(response.content)[0]
    assert client_as(customer_user_b).get(url).status_code == 404
    page = client_as(customer_user_a).get(reverse("postmortems:detail", args=[postmortem.pk]))
    assert url in page.content.decode()


def _admin(user) -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _change_form_data(client, postmortem, items: int = 0, initial: int = 0, **extra):
    """What the post-mortem change page posts as it stands, with ``extra`` fields on top and
    the action-item inline sized for ``items`` rows (``initial`` of them existing)."""
    change = reverse("admin:postmortems_postmortem_change", args=[postmortem.pk])
    form = client.get(change).context["adminform"].form
    return {
        **{k: v for k, v in form.initial.items() if v is not None and k in form.fields},
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "reviewers": [],
        "products": [p.pk for p in postmortem.products.all()],
        "action_items-TOTAL_FORMS": str(items),
        "action_items-INITIAL_FORMS": str(initial),
        "reminders-TOTAL_FORMS": "0",
        "reminders-INITIAL_FORMS": "0",
        **extra,
    }


def _post(client, url, data=None):
    client.get(url.split("run/")[0] + "change/")  # the page the buttons are on sets the cookie
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, follow=True)


def _run_url(postmortem, name):
    return reverse("admin:postmortems_postmortem_transition", args=[postmortem.pk, name])


def test_change_page_shows_buttons_guidance_and_times(draft, support_user):
    change = reverse("admin:postmortems_postmortem_change", args=[draft.pk])
    page = _admin(support_user).get(change).content.decode()
    assert _run_url(draft, "submit") in page
    assert _run_url(draft, "repull") in page
    assert _run_url(draft, "cancel") in page
    assert _run_url(draft, "publish") not in page
    assert 'id="blameless-guidance"' in page
    assert "2h 00m" in page  # TTA and TTR of the incident


def test_button_refusal_is_a_message_not_an_error(draft, support_user):
    client = _admin(support_user)
    response = _post(client, _run_url(draft, "submit"))
    assert response.status_code == 200
    assert "reviewer" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PostMortem.Status.DRAFT


def test_buttons_walk_the_workflow(draft, support_user):
    draft.reviewers.set([support_user])
    client = _admin(support_user)
    for name, status in (
        ("submit", "in_review"),
        ("approve", "approved"),
        ("publish", "published"),
    ):
        assert _post(client, _run_url(draft, name)).status_code == 200
        draft.refresh_from_db()
        assert draft.status == status


def test_approve_button_only_for_a_named_reviewer(draft, support_user):
    reviewer = SupportUserFactory(username="reviewer", first_name="Min", last_name="Kim")
    draft.reviewers.set([reviewer])
    writer = _admin(support_user)
    _post(writer, _run_url(draft, "submit"))
    change = reverse("admin:postmortems_postmortem_change", args=[draft.pk])
    page = writer.get(change).content.decode()
    assert _run_url(draft, "approve") not in page
    assert 'id="pm-waiting"' in page
    assert "Min Kim" in page
    refused = _post(writer, _run_url(draft, "approve"))  # a forged POST gets a message
    assert refused.status_code == 200
    assert "Only a named reviewer" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == PostMortem.Status.IN_REVIEW

    page = _admin(reviewer).get(change).content.decode()
    assert _run_url(draft, "approve") in page
    assert 'id="pm-waiting"' not in page
    _post(_admin(reviewer), _run_url(draft, "approve"))
    draft.refresh_from_db()
    assert draft.status == PostMortem.Status.APPROVED


def test_history_revert_cannot_take_a_published_report_back_to_draft(
    sev2_incident, support_user, clock
):
    postmortem = published_postmortem(sev2_incident, support_user)
    draft_version = postmortem.history.filter(status=PostMortem.Status.DRAFT).earliest()
    url = reverse(
        "admin:postmortems_postmortem_simple_history", args=[postmortem.pk, draft_version.pk]
    )
    client = _admin(support_user)
    client.get(reverse("admin:postmortems_postmortem_change", args=[postmortem.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": token, "summary": "rewritten"})
    assert response.status_code == 403
    postmortem.refresh_from_db()
    assert postmortem.status == PostMortem.Status.PUBLISHED
    assert postmortem.delivered_at is not None


def test_change_form_locks_the_row_it_saves_over(draft, support_user):
    client = _admin(support_user)
    change = reverse("admin:postmortems_postmortem_change", args=[draft.pk])
    data = _change_form_data(client, draft, summary="Edited in the admin")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any('"postmortems_postmortem"' in sql for sql in locks)
    draft.refresh_from_db()
    assert draft.summary == "Edited in the admin"


def test_cancel_button_needs_a_reason(draft, support_user):
    client = _admin(support_user)
    _post(client, _run_url(draft, "cancel"))
    draft.refresh_from_db()
    assert draft.status == PostMortem.Status.DRAFT
    _post(client, _run_url(draft, "cancel"), {"reason": "Monitoring noise, no impact"})
    draft.refresh_from_db()
    assert (draft.status, draft.cancel_reason) == ("cancelled", "Monitoring noise, no impact")


def test_buttons_refuse_get_and_missing_csrf(draft, support_user):
    client = _admin(support_user)
    assert client.get(_run_url(draft, "submit")).status_code == 405
    assert client.post(_run_url(draft, "submit")).status_code == 403  # no CSRF token


@pytest.mark.parametrize("name", ["nonsense", "acknowledge"])
def test_unknown_or_customer_transitions_are_messages(draft, support_user, name):
    response = _post(_admin(support_user), _run_url(draft, name))
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == PostMortem.Status.DRAFT


def test_admin_downloads(draft, support_user):
    client = _admin(support_user)
    url = reverse("admin:postmortems_postmortem_export", args=[draft.pk, "pdf"])
    assert client.get(url)["Content-Type"] == "application/pdf"
    url = reverse("admin:postmortems_postmortem_export", args=[draft.pk, "docx"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("pk", ["%C2%B2", "99999999999999999999999"])
def test_an_export_of_a_bad_id_is_a_404_not_a_500(support_user, pk):
    assert (
        _admin(support_user).get(f"/admin/postmortems/postmortem/{pk}/export/md/").status_code
        == 404
    )


@pytest.fixture
def cancelled(draft, support_user):
    postmortem_transition(postmortem=draft, name="cancel", actor=support_user, reason="No impact")
    draft.refresh_from_db()
    return draft


def _item_data(postmortem, **extra):
    return {
        "post_mortem": postmortem.pk,
        "title": "Alert on pool exhaustion",
        "type": "detect",
        "priority": "2",
        "status": "open",
        "due_date": "2026-04-01",
        **extra,
    }


def test_action_item_page_refuses_a_cancelled_report_and_a_customer_owner(
    draft, cancelled, support_user, customer_user_a
):
    client = _admin(support_user)
    url = reverse("admin:postmortems_actionitem_add")
    client.get(url)
    token = client.cookies["csrftoken"].value
    refused = client.post(url, {**_item_data(cancelled), "csrfmiddlewaretoken": token})
    assert refused.status_code == 200
    assert not ActionItem.objects.exists()
    data = _item_data(cancelled, owner=customer_user_a.pk, csrfmiddlewaretoken=token)
    assert client.post(url, data).status_code == 200
    assert not ActionItem.objects.exists()
    assert str(customer_user_a.pk) not in [
        str(value) for value, _ in client.get(url).context["adminform"].form.fields["owner"].choices
    ]


def test_action_item_page_saves_through_the_service(sev2_incident, support_user):
    postmortem = resolved_postmortem(sev2_incident, support_user)
    client = _admin(support_user)
    url = reverse("admin:postmortems_actionitem_add")
    client.get(url)
    data = {**_item_data(postmortem, owner=support_user.pk)}
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    assert client.post(url, data).status_code == 302
    item = ActionItem.objects.get()
    assert (item.post_mortem, item.owner) == (postmortem, support_user)
    assert item.history.get().history_user == support_user
    change = reverse("admin:postmortems_actionitem_change", args=[item.pk])
    client.post(change, {**data, "status": "done"})
    item.refresh_from_db()
    assert item.status == "done"
    assert item.history.first().history_user == support_user


def test_post_mortem_page_takes_no_new_items_once_cancelled(cancelled, support_user):
    client = _admin(support_user)
    change = reverse("admin:postmortems_postmortem_change", args=[cancelled.pk])
    page = client.get(change)
    assert page.context["inline_admin_formsets"][0].formset.total_form_count() == 0
    data = {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "action_items-TOTAL_FORMS": "1",
        "action_items-INITIAL_FORMS": "0",
        "action_items-0-title": "Sneaked in",
        "action_items-0-type": "prevent",
        "action_items-0-priority": "2",
        "action_items-0-status": "open",
        "reminders-TOTAL_FORMS": "0",
        "reminders-INITIAL_FORMS": "0",
    }
    client.post(change, data)
    assert not ActionItem.objects.filter(title="Sneaked in").exists()


def test_post_mortem_page_inline_items_go_through_the_service(draft, support_user):
    client = _admin(support_user)
    change = reverse("admin:postmortems_postmortem_change", args=[draft.pk])
    data = _change_form_data(client, draft, items=1)
    data |= {
        "action_items-0-title": "Raise the pool limit",
        "action_items-0-type": "prevent",
        "action_items-0-owner": support_user.pk,
        "action_items-0-priority": "2",
        "action_items-0-status": "open",
    }
    assert client.post(change, data).status_code == 302
    item = ActionItem.objects.get(post_mortem=draft)
    assert (item.title, item.owner) == ("Raise the pool limit", support_user)
    assert item.history.get().history_user == support_user


def test_post_mortem_page_changes_and_deletes_inline_items(draft, support_user):
    keep, drop = (
        action_item_create(
            postmortem=draft, actor=support_user, data={"title": title, "type": "prevent"}
        )
        for title in ("Keep", "Drop")
    )
    client = _admin(support_user)
    change = reverse("admin:postmortems_postmortem_change", args=[draft.pk])
    data = _change_form_data(client, draft, items=2, initial=2)
    for index, item in enumerate((keep, drop)):
        data |= {
            f"action_items-{index}-id": item.pk,
            f"action_items-{index}-post_mortem": draft.pk,
            f"action_items-{index}-title": item.title,
            f"action_items-{index}-type": "prevent",
            f"action_items-{index}-priority": str(item.priority),
            f"action_items-{index}-status": "done" if item is keep else item.status,
        }
    data["action_items-1-DELETE"] = "on"
    assert client.post(change, data).status_code == 302
    keep.refresh_from_db()
    assert keep.status == "done"
    assert keep.history.first().history_user == support_user
    assert not ActionItem.objects.filter(pk=drop.pk).exists()


def test_an_action_item_version_cannot_be_restored(draft, support_user):
    item = action_item_create(
        postmortem=draft, actor=support_user, data={"title": "First", "type": "prevent"}
    )
    action_item_update(item=item, actor=support_user, data={"title": "Second"})
    version = item.history.earliest()
    url = reverse("admin:postmortems_actionitem_simple_history", args=[item.pk, version.pk])
    client = _admin(support_user)
    client.get(reverse("admin:postmortems_actionitem_change", args=[item.pk]))
    data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "title": "First"}
    assert client.post(url, data).status_code == 403
    item.refresh_from_db()
    assert item.title == "Second"
