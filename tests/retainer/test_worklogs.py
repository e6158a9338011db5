"""Work-log input the M/M arithmetic cannot use is refused with a field error."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from retainer.models import LedgerEntry, WorkLog
from retainer.services import worklog_create


@pytest.mark.parametrize(
    ("when", "fields"),
    [
        (
            {
                "started_at": datetime(9999, 12, 31, 20, tzinfo=UTC),
                "ended_at": datetime(9999, 12, 31, 22, tzinfo=UTC),
            },
            {"started_at", "ended_at"},
        ),
        ({"performed_on": date(1, 1, 1), "hours": D("1")}, {"performed_on"}),
    ],
)
def test_work_dated_outside_the_window_is_refused(contract, engineer, when, fields):
    with pytest.raises(ValidationError) as error:
        worklog_create(
            actor=engineer,
            kind=WorkLog.Kind.ADVISORY,
            contract=contract,
            description="Advice",
            **when,
        )

    assert set(error.value.message_dict) == fields
    assert not WorkLog.objects.exists()
    assert LedgerEntry.objects.filter(contract=contract).count() == 1
