"""Korean for the texts of third-party apps that ship none (django-simple-history).

Nothing imports this module: ``makemessages`` reads these ``gettext_noop`` calls, so the
project's catalogue holds the texts, and Django looks in the project's catalogue
(``LOCALE_PATHS``) before any app's. That also corrects a clash: "Created" came out of DRF's
Korean catalogue as "생성일시" (creation time) in the history list.
"""

from django.utils.translation import gettext_noop

SIMPLE_HISTORY = (
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Change History"),
    gettext_noop("Change reason"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Object"),
    gettext_noop("Revert"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("You may edit it again below"),
)
