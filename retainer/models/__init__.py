"""Customers and their catalogue, retainer contracts, the M/M ledger, work logs, diagnostics."""

from retainer.models.contracts import (
    HOURS_DIGITS,
    MM_DIGITS,
    Contract,
    default_response_minutes,
)
from retainer.models.customers import Customer, CustomerUser, Product, Service
from retainer.models.diagnostics import DiagnosticEngagement, Milestone
from retainer.models.ledger import (
    GRANT_KINDS,
    USAGE_KINDS,
    LedgerEntry,
    ReportDispatch,
    UtilisationAlert,
)
from retainer.models.worklogs import WorkLog

__all__ = [
    "GRANT_KINDS",
    "HOURS_DIGITS",
    "MM_DIGITS",
    "USAGE_KINDS",
    "Contract",
    "Customer",
    "CustomerUser",
    "DiagnosticEngagement",
    "LedgerEntry",
    "Milestone",
    "Product",
    "ReportDispatch",
    "Service",
    "UtilisationAlert",
    "WorkLog",
    "default_response_minutes",
]
