"""Writes on contracts, the M/M ledger, work logs and diagnostics. Every caller uses these."""

from retainer.services.alerts import alerts_check, utilisation_alert_send
from retainer.services.closeout import contract_close_out, contracts_due_for_close_out
from retainer.services.contracts import (
    contract_activate,
    contract_create,
    contract_renew,
    contract_update,
)
from retainer.services.ledger import (
    ledger_post_adjustment,
    ledger_reverse_entry,
    ledger_sync_allotment,
)
from retainer.services.usage import (
    ledger_sync_effort,
    ledger_sync_incident,
    ledger_sync_work_log,
)
from retainer.services.worklogs import worklog_create, worklog_delete, worklog_update

__all__ = [
    "alerts_check",
    "contract_activate",
    "contract_close_out",
    "contract_create",
    "contract_renew",
    "contract_update",
    "contracts_due_for_close_out",
    "ledger_post_adjustment",
    "ledger_reverse_entry",
    "ledger_sync_allotment",
    "ledger_sync_effort",
    "ledger_sync_incident",
    "ledger_sync_work_log",
    "utilisation_alert_send",
    "worklog_create",
    "worklog_delete",
    "worklog_update",
]
