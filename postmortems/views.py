"""Post-mortem pages: the customer's list, detail and acknowledgement; exports for both sides.

Every read goes through ``postmortems.selectors`` (tenant scoping lives there): another company's
post-mortem, or one not yet published, is a 404 for a customer user.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents.hotline.views import customer_required
from postmortems.exports import export_response, facts
from postmortems.models import PostMortem
from postmortems.selectors import postmortem_get_for, postmortem_list_for
from postmortems.services import postmortem_acknowledge


def _get(request: HttpRequest, pk: int) -> PostMortem:
    postmortem = postmortem_get_for(request.user, pk)
    if postmortem is None:
        raise Http404
    return postmortem


@require_GET
@customer_required
def postmortem_list(request: HttpRequest) -> HttpResponse:
    """List the company's published post-mortems."""
    postmortems = postmortem_list_for(request.user)
    return render(request, "postmortems/list.html", {"postmortems": postmortems})


@require_GET
@customer_required
def postmortem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one published post-mortem with its action items."""
    postmortem = _get(request, pk)
    context = {"postmortem": postmortem, "facts": facts(postmortem)}
    return render(request, "postmortems/detail.html", context)


@require_POST
@customer_required
def postmortem_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge a published post-mortem on behalf of the customer."""
    postmortem = _get(request, pk)
    try:
        postmortem_acknowledge(postmortem=postmortem, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: the post-mortem is acknowledged."))
    return redirect("postmortems:detail", pk=postmortem.pk)


@require_GET
@login_required
def postmortem_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download the post-mortem as Markdown, HTML or PDF (staff, or its customer once published)."""
    return export_response(_get(request, pk), fmt)
