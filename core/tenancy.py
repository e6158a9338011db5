"""Tenant scoping: the one rule for every row a customer user can reach.

Staff (support, account managers, superusers) see every customer; a customer user sees only rows
of its own company; anyone else (anonymous, a login linked to no company) sees nothing. Every
selector that serves customer-reachable data (pages, API lists and details, exports, reports,
attachments, feeds) filters through ``scope_to_customer``; ``tests/security/test_route_matrix.py``
walks every route as each role to prove it.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from core.access import customer_id_for, is_staff_member

M = TypeVar("M", bound=Model)


def scope_to_customer(queryset: QuerySet[M], user: Any, *, via: str = "customer") -> QuerySet[M]:
    """Return the rows of ``queryset`` that ``user`` may see.

    ``via`` is the lookup path from the model to its customer (``"customer"``,
    ``"contract__customer"``, ``"incident__customer"``).
    """
    if is_staff_member(user):
        return queryset
    customer_id = customer_id_for(user)
    if customer_id is None:
        return queryset.none()
    return queryset.filter(**{f"{via}_id": customer_id})


def customer_scope_id(user: Any) -> int | None:
    """Return the company a customer user is confined to; None for staff and for outsiders.

    For checking ids in customer input: staff may name any customer's rows (the services then
    check they belong together), a customer user only its own.
    """
    if is_staff_member(user):
        return None
    return customer_id_for(user)
