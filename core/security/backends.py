"""The password backend, with the signed-in user read from the cache on each request.

Django loads the session's user from the database on every request, and the hotline then loads
the user's customer link; both rarely change. ``CachedModelBackend`` keeps the user *with* its
customer link (``core.access.customer_link_for``) in the read cache (``core.cache``). Saving or
deleting the user, its customer link or its customer makes the entry stale at once, so a
deactivated user, a new password (the session hash is checked against the stored one) or a moved
link take effect on the next request; writes that bypass ``save()`` (``QuerySet.update`` on users)
are picked up when the entry expires (``HOTLINE_READ_CACHE_SECONDS``).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models.signals import post_delete, post_save, pre_save

from core import cache as read_cache
from core.access import customer_link_for


def user_scope(user_id: Any) -> str:
    return read_cache.scope_of("user", user_id)


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend; ``get_user`` (every request) goes through the read cache."""

    def get_user(self, user_id: Any) -> Any:
        if not read_cache.enabled():
            return super().get_user(user_id)
        scope = user_scope(user_id)
        user = read_cache.get_or_build(scope, f"user:{user_id}", lambda: _load(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None


def _load(user_id: Any) -> Any:
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is not None:
        customer_link_for(user)  # loaded now, stored with the user
    return user


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    read_cache.invalidate(user_scope(instance.pk))


def _link_moving(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A link given to another user: the previous user's entry is stale too."""
    if instance.pk is not None and read_cache.enabled():
        old = sender._default_manager.filter(pk=instance.pk).values_list("user_id", flat=True)
        previous = old.first()
        if previous is not None and previous != instance.user_id:
            read_cache.invalidate(user_scope(previous))


def _link_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    read_cache.invalidate(user_scope(instance.user_id))


def _customer_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from retainer.models import CustomerUser

    if read_cache.enabled():
        user_ids = CustomerUser.objects.filter(customer_id=instance.pk).values_list(
            "user_id", flat=True
        )
        read_cache.invalidate(*(user_scope(pk) for pk in user_ids))


def connect() -> None:
    """Invalidate a user's entry whenever the user, its customer link or its customer changes."""
    from retainer.models import Customer, CustomerUser

    user_model = get_user_model()
    uid = "core.security.backends"
    post_save.connect(_user_changed, sender=user_model, dispatch_uid=f"{uid}.user_saved")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid=f"{uid}.user_deleted")
    pre_save.connect(_link_moving, sender=CustomerUser, dispatch_uid=f"{uid}.link_moving")
    post_save.connect(_link_changed, sender=CustomerUser, dispatch_uid=f"{uid}.link_saved")
    post_delete.connect(_link_changed, sender=CustomerUser, dispatch_uid=f"{uid}.link_deleted")
    post_save.connect(_customer_changed, sender=Customer, dispatch_uid=f"{uid}.customer_saved")
    post_delete.connect(_customer_changed, sender=Customer, dispatch_uid=f"{uid}.customer_deleted")
