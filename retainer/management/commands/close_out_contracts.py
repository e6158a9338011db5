"""Close out contract years that have ended: carry over, expire, end. Safe to re-run."""

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retainer.models import Contract
from retainer.services import contract_close_out, contracts_due_for_close_out


class Command(BaseCommand):
    help = "Close out ended contract years (carry-over to the renewal, expiry). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--contract", help="close out only this contract code")
        parser.add_argument("--date", help="act as if today were YYYY-MM-DD")
        parser.add_argument(
            "--days", type=int, default=90, help="re-settle contracts that ended this recently"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = self._now(options["date"])
        if options["contract"]:
            contracts = Contract.objects.filter(code=options["contract"])
            if not contracts.exists():
                raise CommandError(f"No contract {options['contract']}.")
        else:
            contracts = contracts_due_for_close_out(now=now, days=options["days"])
        for contract in contracts.order_by("ends_on", "id"):
            try:
                result = contract_close_out(contract=contract, actor=None, now=now)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(
                f"{contract.code}: carry-over {result.split.carry_over}, "
                f"expired {result.split.expired}, {len(result.entries)} new entries"
            )

    @staticmethod
    def _now(value: str | None) -> datetime | None:
        if not value:
            return None
        day = date.fromisoformat(value)
        return timezone.make_aware(datetime.combine(day, time(12)))
