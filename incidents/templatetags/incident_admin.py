"""``{% incident_result_list cl %}``: Django's ``{% result_list %}`` with faster rows."""

from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import result_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

from incidents.admin.results import fast_results

register = template.Library()


def incident_result_list(cl: Any) -> dict[str, Any]:
    """Return the context of ``change_list_results.html``, rows from ``fast_results``."""
    if cl.formset:  # an editable list: Django's own rows and hidden fields
        return result_list(cl)
    context = result_list(_NoRows(cl))
    context["cl"] = cl
    context["results"] = list(fast_results(cl))
    return context


class _NoRows:
    """The changelist with an empty page, so ``result_list`` builds only headers and hidden
    fields (the rows come from ``fast_results``)."""

    def __init__(self, cl: Any) -> None:
        self._cl = cl
        self.result_list: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cl, name)


@register.tag(name="incident_result_list")
def incident_result_list_tag(parser: Any, token: Any) -> InclusionAdminNode:
    return InclusionAdminNode(
        parser,
        token,
        func=incident_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
