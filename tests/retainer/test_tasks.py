"""The beat jobs: monthly report e-mails once per contract and month, close-out sweep."""

from datetime import date
from decimal import Decimal as D

from django.core import mail

from retainer.models import ReportDispatch
from retainer.selectors import contract_balance
from retainer.services import contract_renew, ledger_post_adjustment
from retainer.tasks import close_out_ended_contracts, send_monthly_reports
from tests.retainer.conftest import seoul
from tests.retainer.factories import CustomerUserFactory


def test_monthly_reports_go_to_the_manager_and_opted_in_customers(contract, manager, clock):
    CustomerUserFactory(
        customer=contract.customer, user__email="cto@hanbit.example", receives_mm_reports=True
    )
    CustomerUserFactory(customer=contract.customer, user__email="quiet@hanbit.example")
    clock.move_to(seoul(2026, 4, 1, 8, 0))

    send_monthly_reports()
    send_monthly_reports()  # a second beat run sends nothing more

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["cto@hanbit.example", "mgr1@example.com"]
    assert message.attachments[0][0] == "mm-report-HANBIT-2026-2026-03.pdf"
    assert ReportDispatch.objects.get().month == date(2026, 3, 1)


def test_close_out_sweep_carries_over(contract, manager, clock):
    renewal = contract_renew(contract=contract, actor=manager, code="HANBIT-2027")
    ledger_post_adjustment(contract=contract, amount=D("-8"), memo="use", actor=manager)
    clock.move_to(seoul(2027, 1, 1, 1, 0))

    close_out_ended_contracts()

    assert contract_balance(contract_id=renewal.pk).carry_in == D("2.4")
