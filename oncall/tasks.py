"""On-call background jobs: shift reminders (beat) and swap-request notices."""

from celery import shared_task

from oncall.models import SwapRequest
from oncall.services import messages, notify_user, shift_reminders_send


@shared_task(name="oncall.send_shift_reminders")
def send_shift_reminders() -> int:
    """Send the due "shift starts soon" and "handoff now" messages (each once)."""
    return shift_reminders_send()


@shared_task(name="oncall.send_swap_notice")
def send_swap_notice(swap_id: int, kind: str, user_id: int) -> None:
    """Tell one engineer that a swap request was made, accepted or declined."""
    swap = (
        SwapRequest.objects.select_related("layer__schedule", "requester", "covering")
        .filter(pk=swap_id)
        .first()
    )
    if swap is None:
        return
    user = swap.covering if swap.covering_id == user_id else swap.requester
    subject, body = messages.swap_notice(user, swap, kind)
    notify_user(user, subject, body, key=f"oncall.swap:{swap_id}:{kind}:{user_id}")
