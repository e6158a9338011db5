"""Admin for customers, contracts, the M/M ledger, work logs, diagnostics and the M/M report.

Importing the package registers the model admins (Django's admin autodiscovery imports it).
"""

from retainer.admin import contracts, customers, diagnostics, ledger

__all__ = ["contracts", "customers", "diagnostics", "ledger"]
