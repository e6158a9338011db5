"""Who a user is to the portal: staff (support, account manager, superuser) or a customer user.

Tenant scoping everywhere starts from ``customer_id_for(user)``; the answer is cached on the
user object for the request.
"""

from typing import Any

SUPPORT_GROUP = "support"
ACCOUNT_MANAGER_GROUP = "account_manager"
STAFF_GROUPS = frozenset({SUPPORT_GROUP, ACCOUNT_MANAGER_GROUP})


def group_names(user: Any) -> frozenset[str]:
    """Return the user's group names, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_hotline_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._hotline_group_names = cached
    return cached


def is_support(user: Any) -> bool:
    """Tell whether the user may work incidents (support group or superuser)."""
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or SUPPORT_GROUP in group_names(user))


def is_account_manager(user: Any) -> bool:
    """Tell whether the user is an account manager (or superuser)."""
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or ACCOUNT_MANAGER_GROUP in group_names(user))


def is_staff_member(user: Any) -> bool:
    """Tell whether the user belongs to the firm (sees every customer)."""
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or group_names(user) & STAFF_GROUPS)


def customer_link_for(user: Any) -> Any:
    """Return the user's CustomerUser row (with its customer), loaded once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_hotline_customer_link"):
        from retainer.models import CustomerUser

        user._hotline_customer_link = (
            CustomerUser.objects.select_related("customer").filter(user_id=user.pk).first()
        )
    return user._hotline_customer_link


def customer_id_for(user: Any) -> int | None:
    """Return the id of the customer company the user belongs to, or None."""
    link = customer_link_for(user)
    return link.customer_id if link is not None else None
