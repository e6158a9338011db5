"""Site-wide error pages are the product's own, translated."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_page_is_a_translated_404(settings):
    settings.DEBUG = False
    response = Client(HTTP_ACCEPT_LANGUAGE="ko").get("/hotline/no-such-page/")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_explains_and_saves_nothing(customer_user_a):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(customer_user_a)
    response = client.post("/hotline/new/", {"summary": "x"})
    assert response.status_code == 403
    assert "Your session expired" in response.content.decode()
