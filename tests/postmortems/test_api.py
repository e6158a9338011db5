"""The post-mortem API: scoped reads, staff edits, transitions (400 on refusal), action items,
exports."""

import io

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from core.people import person_name
from postmortems.models import ActionItem, PostMortem
from tests.postmortems.factories import published_postmortem
from tests.retainer.factories import SupportUserFactory

URL = "/api/v1/postmortems/"


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def published(sev2_incident, support_user, clock):
    return published_postmortem(sev2_incident, support_user)


def test_staff_list_all_customers_only_their_published(
    draft, support_user, customer_user_a, customer_user_b
):
    assert [row["id"] for row in api(support_user).get(URL).data["results"]] == [draft.pk]
    assert api(customer_user_a).get(URL).data["results"] == []  # a draft is not theirs to see
    assert api(customer_user_a).get(f"{URL}{draft.pk}/").status_code == 404
    assert api(customer_user_b).get(f"{URL}{draft.pk}/").status_code == 404


def test_customer_reads_its_published_one_another_company_gets_404(
    published, customer_user_a, customer_user_b
):
    body = api(customer_user_a).get(f"{URL}{published.pk}/").data
    assert body["incident"] == published.incident.key
    assert body["customer_impact"] == "Checkout failed for 40 minutes."
    assert body["time_to_resolve"] == published.incident.time_to_resolve.total_seconds()
    assert api(customer_user_b).get(f"{URL}{published.pk}/").status_code == 404
    assert api(customer_user_b).get(URL).data["results"] == []
    url = f"{URL}{published.pk}/action-items/"
    assert api(customer_user_b).get(url).status_code == 404


def test_customers_read_names_not_staff_user_ids(published, support_user, customer_user_a):
    name = person_name(support_user)
    body = api(customer_user_a).get(f"{URL}{published.pk}/").data
    assert not {"owner", "reviewers"} & set(body)
    assert body["owner_name"] == person_name(published.owner)
    assert [item["owner_name"] for item in body["action_items"]] == [name]
    assert all("owner" not in item for item in body["action_items"])
    listed = api(customer_user_a).get(URL).data["results"][0]
    assert not {"owner", "reviewers"} & set(listed)
    items = api(customer_user_a).get(f"{URL}{published.pk}/action-items/").data
    assert [set(item) & {"owner", "owner_name"} for item in items] == [{"owner_name"}]

    staff = api(support_user).get(f"{URL}{published.pk}/").data
    assert staff["reviewers"] == [support_user.pk]
    assert staff["action_items"][0]["owner"] == support_user.pk
    assert staff["action_items"][0]["owner_name"] == name


def test_staff_edit_and_walk_the_workflow(draft, support_user):
    client = api(support_user)
    response = client.patch(
        f"{URL}{draft.pk}/", {"five_whys": "Disk full", "users_affected": 300}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["users_affected"] == 300
    refused = client.post(f"{URL}{draft.pk}/submit/", {}, format="json")
    assert refused.status_code == 400
    assert "reviewer" in str(refused.data)
    ok = client.post(f"{URL}{draft.pk}/submit/", {"reviewers": [support_user.pk]}, format="json")
    assert ok.status_code == 200, ok.data
    assert ok.data["status"] == "in_review"
    assert client.post(f"{URL}{draft.pk}/approve/").data["status"] == "approved"
    assert client.post(f"{URL}{draft.pk}/publish/").data["status"] == "published"


def test_approval_by_someone_not_named_is_400(draft, support_user):
    other = SupportUserFactory(username="other")
    api(support_user).post(f"{URL}{draft.pk}/submit/", {"reviewers": [support_user.pk]})
    refused = api(other).post(f"{URL}{draft.pk}/approve/")
    assert refused.status_code == 400
    assert "Only a named reviewer" in str(refused.data)
    draft.refresh_from_db()
    assert draft.status == PostMortem.Status.IN_REVIEW


def test_invalid_transition_is_400_and_changes_nothing(draft, support_user):
    response = api(support_user).post(f"{URL}{draft.pk}/publish/")
    assert response.status_code == 400
    assert "draft" in str(response.data)
    draft.refresh_from_db()
    assert draft.status == PostMortem.Status.DRAFT


def test_customers_may_only_acknowledge(published, customer_user_a):
    client = api(customer_user_a)
    assert client.patch(f"{URL}{published.pk}/", {"summary": "x"}, format="json").status_code == 403
    assert client.post(f"{URL}{published.pk}/cancel/", {"reason": "x"}).status_code == 403
    response = client.post(f"{URL}{published.pk}/acknowledge/")
    assert response.status_code == 200
    assert response.data["status"] == "acknowledged"


def test_staff_cannot_acknowledge_for_the_customer(published, support_user):
    assert api(support_user).post(f"{URL}{published.pk}/acknowledge/").status_code == 403


def test_cancel_needs_a_reason(draft, support_user):
    client = api(support_user)
    assert client.post(f"{URL}{draft.pk}/cancel/", {}, format="json").status_code == 400
    response = client.post(f"{URL}{draft.pk}/cancel/", {"reason": "Duplicate"}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "cancelled"
    assert response.data["cancel_reason"] == "Duplicate"


def test_action_items_list_create_update(draft, support_user, customer_user_a):
    client = api(support_user)
    url = f"{URL}{draft.pk}/action-items/"
    created = client.post(
        url,
        {
            "title": "Alert on disk",
            "type": "detect",
            "owner": support_user.pk,
            "due_date": "2026-03-20",
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert [row["title"] for row in client.get(url).data] == ["Alert on disk"]
    assert client.get(url, {"status": "done"}).data == []
    bad = client.post(
        url, {"title": "x", "type": "detect", "owner": customer_user_a.pk}, format="json"
    )
    assert bad.status_code == 400
    item_url = f"/api/v1/action-items/{created.data['id']}/"
    assert client.patch(item_url, {"status": "done"}, format="json").data["status"] == "done"
    assert ActionItem.objects.get(pk=created.data["id"]).history.count() == 2


def test_exports(published, customer_user_a, customer_user_b):
    client = api(customer_user_a)
    url = f"{URL}{published.pk}/export/"
    markdown = client.get(url)
    assert markdown.status_code == 200
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "Checkout failed for 40 minutes." in markdown.content.decode()
    html = client.get(url, {"format": "html"})
    assert html["Content-Type"].startswith("text/html")
    assert "<h1>" in html.content.decode()
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Checkout failed for 40 minutes." in text
    assert api(customer_user_b).get(url, {"format": "pdf"}).status_code == 404
    assert client.get(url, {"format": "docx"}).status_code == 404


def test_list_filters(draft, support_user, clock):
    client = api(support_user)
    assert client.get(URL, {"status": "published"}).data["results"] == []
    assert len(client.get(URL, {"status": "draft"}).data["results"]) == 1
    assert client.get(URL, {"overdue": "true"}).data["results"] == []
    clock.move_to(draft.due_at.replace(year=2027))
    assert len(client.get(URL, {"overdue": "true"}).data["results"]) == 1


@pytest.mark.parametrize("pk", ["%C2%B2", "99999999999999999999999", "0x1"])
def test_an_id_that_is_not_a_number_is_a_404_not_a_500(support_user, pk):
    assert api(support_user).get(f"{URL}{pk}/").status_code == 404
    assert api(support_user).post(f"{URL}{pk}/submit/").status_code == 404
