"""Post-mortem helpers: walk an incident to resolution and the post-mortem through its workflow."""

from typing import Any

from incidents.services import incident_transition
from postmortems.models import ActionItem, PostMortem
from postmortems.services import postmortem_set_reviewers, postmortem_transition


def resolve(incident: Any, actor: Any, **kwargs: Any) -> Any:
    """Acknowledge (when new) and resolve the incident."""
    if incident.status == "new":
        incident_transition(incident=incident, name="acknowledge", actor=actor, **kwargs)
    return incident_transition(incident=incident, name="resolve", actor=actor, **kwargs)


def resolved_postmortem(incident: Any, actor: Any, **kwargs: Any) -> PostMortem:
    """Resolve a severity 1-2 incident and return its draft post-mortem."""
    resolve(incident, actor, **kwargs)
    return PostMortem.objects.get(incident=incident)


def published_postmortem(incident: Any, actor: Any) -> PostMortem:
    """Resolve a severity 1-2 incident and publish its post-mortem (reviewed by ``actor``)."""
    postmortem = resolved_postmortem(incident, actor)
    postmortem.customer_impact = "Checkout failed for 40 minutes."
    postmortem.save()
    ActionItem.objects.create(
        post_mortem=postmortem, title="Alert on checkout errors", type="detect", owner=actor
    )
    postmortem_set_reviewers(postmortem=postmortem, reviewers=[actor], actor=actor)
    for name in ("submit", "approve", "publish"):
        postmortem_transition(postmortem=postmortem, name=name, actor=actor)
    return postmortem
