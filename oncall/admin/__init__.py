"""On-call admin: schedules with inline layers, calendar, sheets, overrides, swaps, profiles.

Importing the package registers the model admins (Django's admin autodiscovery imports it).
"""

from django.contrib import admin

from oncall.admin import overrides, schedules

# "Who is on call now" heads the admin index: the panel's template extends admin/index.html.
admin.site.index_template = "admin/oncall/index.html"

__all__ = ["overrides", "schedules"]
