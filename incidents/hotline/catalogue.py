"""The customer's catalogue on the intake form (its services and products), read through the cache.

The form is the hotline's hottest page and the catalogue changes a few times a year: it is kept
in the read cache (``core.cache``) per customer, and any saved or deleted service or product makes
every customer's entry stale at once (the shared "unknown" service belongs to all of them).
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from core import cache as read_cache
from retainer.models import Product, Service
from retainer.selectors import product_list_for_customer, service_list_for_customer

SCOPE = "catalogue"


def catalogue_for(customer_id: int) -> tuple[list[Service], list[Product]]:
    """Return the active services and products a customer may name on the intake form."""
    return read_cache.get_or_build(SCOPE, f"catalogue:{customer_id}", lambda: _load(customer_id))


def _load(customer_id: int) -> tuple[list[Service], list[Product]]:
    return (
        list(service_list_for_customer(customer_id=customer_id)),
        list(product_list_for_customer(customer_id=customer_id)),
    )


def _changed(sender: Any, **kwargs: Any) -> None:
    read_cache.invalidate(SCOPE)


def connect() -> None:
    """Make every catalogue entry stale when a service or a product is saved or deleted."""
    for model in (Service, Product):
        name = model._meta.model_name
        post_save.connect(_changed, sender=model, dispatch_uid=f"hotline.catalogue.{name}.saved")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"hotline.catalogue.{name}.deleted"
        )
