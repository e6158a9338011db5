"""Demo M/M data for ``seed_demo``: contract terms, last year's close-out, work, a diagnostic.

Idempotent: it does nothing once any work log exists. Everything goes through the services,
so the ledger it leaves is what real use would leave.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from incidents.models import Incident, Status
from retainer.models import Contract, CustomerUser, WorkLog
from retainer.services import (
    contract_close_out,
    contract_create,
    contract_update,
    ledger_post_adjustment,
    worklog_create,
)
from retainer.services.diagnostics import engagement_create

TERMS = {"hanbit": Decimal("12"), "nuri": Decimal("6")}


def seed_retainer_demo(staff: dict[str, Any]) -> None:
    """Give the demo contracts M/M, a renewal chain, logged work and a diagnostic engagement."""
    if WorkLog.objects.exists():
        return
    manager, engineer = staff["am1"], staff["engineer1"]
    year = timezone.localdate().year
    for code, mm in TERMS.items():
        contract = Contract.objects.filter(code=f"{code.upper()}-{year}").first()
        if contract is None or contract.contracted_mm:
            continue
        previous = _last_year(contract, mm, manager) if code == "hanbit" else None
        contract_update(
            contract=contract,
            actor=manager,
            data={"contracted_mm": mm, "previous_contract": previous},
        )
        if previous is not None:
            contract_close_out(contract=previous, actor=manager)
        _work(contract, engineer, year)
    for member in CustomerUser.objects.filter(customer__code="hanbit"):
        member.receives_mm_reports = True
        member.save(update_fields=["receives_mm_reports", "updated_at"])


def _last_year(contract: Contract, mm: Decimal, manager: Any) -> Contract:
    """Create last year's contract with 9 M/M used, to close out into this year's."""
    year = contract.starts_on.year - 1
    previous = contract_create(
        actor=manager,
        customer=contract.customer,
        code=f"{contract.customer.code.upper()}-{year}",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        contracted_mm=mm,
        account_manager=manager,
    )
    for month, used in ((3, "2.5"), (6, "4"), (10, "2.5")):
        ledger_post_adjustment(
            contract=previous,
            amount=-Decimal(used),
            memo="장애 대응 및 정기 진단 (이관 데이터)",
            effective_on=date(year, month, 15),
            actor=manager,
        )
    return previous


def _work(contract: Contract, engineer: Any, year: int) -> None:
    """Log effort on the resolved incidents, some advice, and a finished diagnostic."""
    for incident in Incident.objects.filter(
        contract=contract, status__in=(Status.RESOLVED, Status.CLOSED)
    ):
        worklog_create(actor=engineer, kind="incident", incident=incident, hours=Decimal("6.5"))
    today = timezone.localdate()
    for months_ago, hours in ((3, "24"), (2, "40"), (1, "12")):
        day = max(date(year, 1, 1), today - timedelta(days=30 * months_ago))
        worklog_create(
            actor=engineer,
            kind="advisory",
            contract=contract,
            hours=Decimal(hours),
            performed_on=day,
            description="아키텍처 자문",
        )
    if contract.customer.code != "hanbit":
        return
    _diagnostics(contract, engineer, today)


def _diagnostics(contract: Contract, engineer: Any, today: date) -> None:
    done = engagement_create(
        actor=engineer,
        contract=contract,
        title="상반기 정기 진단",
        lead=engineer,
        onsite_starts_on=today - timedelta(days=60),
        onsite_ends_on=today - timedelta(days=56),
        status="reported",
        report_delivered_on=today - timedelta(days=50),
    )
    worklog_create(
        actor=engineer,
        kind="diagnostic",
        engagement=done,
        hours=Decimal("100"),
        performed_on=today - timedelta(days=58),
        description="성능 분석 및 보안 점검",
    )
    worklog_create(
        actor=engineer,
        kind="diagnostic",
        engagement=done,
        hours=Decimal("8"),
        performed_on=today - timedelta(days=57),
        billable=False,
        billable_note="당사 일정 변경으로 인한 재방문: 차감하지 않음",
    )
    engagement_create(
        actor=engineer,
        contract=contract,
        title="하반기 정기 진단",
        lead=engineer,
        onsite_starts_on=today + timedelta(days=21),
        onsite_ends_on=today + timedelta(days=25),
    )
