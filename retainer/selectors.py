"""Reads for customers, their catalogue and contracts."""

from datetime import date

from django.db.models import Q, QuerySet

from retainer.models import Contract, Customer, Product, Service


def contract_active_for(*, customer_id: int, on: date) -> Contract | None:
    """Return the customer's active contract on ``on`` (the latest-starting one), or None."""
    return (
        Contract.objects.filter(
            customer_id=customer_id,
            status=Contract.Status.ACTIVE,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("-starts_on", "-id")
        .first()
    )


def service_list_for_customer(*, customer_id: int | None) -> QuerySet[Service]:
    """Return the active services a customer can name as faulty (its own plus shared ones)."""
    return Service.objects.filter(
        Q(customer_id=customer_id) | Q(customer__isnull=True), is_active=True
    ).order_by("customer_id", "name")


def product_list_for_customer(*, customer_id: int | None) -> QuerySet[Product]:
    """Return the customer's active products."""
    return Product.objects.filter(customer_id=customer_id, is_active=True).order_by("name")


def customer_list() -> QuerySet[Customer]:
    """Return active customers."""
    return Customer.objects.filter(is_active=True)
