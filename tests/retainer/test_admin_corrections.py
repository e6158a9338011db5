"""Ledger corrections in the admin: reverse an entry after a confirmation asking for the reason."""

from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from retainer.models import LedgerEntry
from retainer.services import ledger_post_adjustment, ledger_reverse_entry


def _login(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def adjustment(contract, manager):
    return ledger_post_adjustment(contract=contract, amount=D("-2"), memo="Workshop", actor=manager)


def _reverse_url(entry) -> str:
    return reverse("admin:retainer_ledgerentry_reverse", args=[entry.pk])


def test_entry_page_offers_the_reversal(manager, adjustment):
    page = _login(manager).get(reverse("admin:retainer_ledgerentry_change", args=[adjustment.pk]))

    assert _reverse_url(adjustment) in page.content.decode()


def test_confirmation_page_shows_the_entry(manager, adjustment):
    page = _login(manager).get(_reverse_url(adjustment))

    content = page.content.decode()
    assert page.status_code == 200
    assert "HANBIT-2026" in content
    assert "Workshop" in content
    assert 'name="memo"' in content


def test_reversal_needs_a_reason(manager, adjustment):
    response = _login(manager).post(_reverse_url(adjustment), {"memo": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["memo"]
    assert not LedgerEntry.objects.filter(reverses=adjustment).exists()


def test_account_manager_reverses_an_entry(manager, adjustment):
    response = _login(manager).post(_reverse_url(adjustment), {"memo": "Charged twice"})

    reversal = LedgerEntry.objects.get(reverses=adjustment)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:retainer_ledgerentry_change", args=[reversal.pk])
    assert (reversal.kind, reversal.amount, reversal.memo) == (
        "adjustment",
        D("2"),
        "Charged twice",
    )
    assert reversal.author == manager


def test_reversing_twice_is_refused_with_a_translated_message(manager, adjustment):
    ledger_reverse_entry(entry=adjustment, memo="Charged twice", actor=manager)
    client = _login(manager, language="ko")

    response = client.post(_reverse_url(adjustment), {"memo": "Again"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["이미 취소된 항목입니다."]
    assert LedgerEntry.objects.filter(contract=adjustment.contract).count() == 3


def test_the_list_shows_reversed_entries(manager, adjustment):
    ledger_reverse_entry(entry=adjustment, memo="Charged twice", actor=manager)

    content = _login(manager).get(reverse("admin:retainer_ledgerentry_changelist")).content
    assert b"reversed" in content
    assert _reverse_url(adjustment).encode() not in content


def test_support_engineers_cannot_reverse(engineer, adjustment):
    client = _login(engineer)

    assert client.get(_reverse_url(adjustment)).status_code == 403
    assert client.post(_reverse_url(adjustment), {"memo": "x"}).status_code == 403
    assert not LedgerEntry.objects.filter(reverses=adjustment).exists()


def test_contract_page_links_to_adjustments_and_the_report(manager, contract):
    content = (
        _login(manager)
        .get(reverse("admin:retainer_contract_change", args=[contract.pk]))
        .content.decode()
    )

    assert f"{reverse('admin:retainer_ledgerentry_add')}?contract={contract.pk}" in content
    assert reverse("admin:retainer_contract_report", args=[contract.pk]) in content
