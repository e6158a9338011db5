"""Admin for support staff: incidents worked through the services, timeline and files read-only.

Importing the package registers the model admins (Django's admin autodiscovery imports it).
"""

from incidents.admin import incident, records
from incidents.escalation import admin as escalation

__all__ = ["escalation", "incident", "records"]
