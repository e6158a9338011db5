"""Factories for users, customers, their catalogue and contracts."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.access import ACCOUNT_MANAGER_GROUP, SUPPORT_GROUP
from retainer.models import Contract, Customer, CustomerUser, Product, Service

PASSWORD = "correct-horse-battery"


def add_groups(user, create, names) -> None:
    """Put the user in the named groups and save it (the password hook does not save)."""
    if not create:
        return
    for name in names or ():
        user.groups.add(Group.objects.get(name=name))
    user.save()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        add_groups(self, create, extracted)


class SupportUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        add_groups(self, create, extracted or [SUPPORT_GROUP])


class AccountManagerFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        add_groups(self, create, extracted or [ACCOUNT_MANAGER_GROUP])


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    code = factory.Sequence(lambda n: f"cust-{n}")


class CustomerUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerUser

    user = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory)
    phone = "010-1234-5678"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    code = factory.Sequence(lambda n: f"svc-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Product {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    customer = factory.SubFactory(CustomerFactory)
    code = factory.Sequence(lambda n: f"C-{n:04d}")
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    status = Contract.Status.ACTIVE


def contract_with_allotment(*, customer=None, mm: str = "12", actor=None, **fields) -> Contract:
    """Create an active contract through the service, so its allotment is in the ledger."""
    from decimal import Decimal

    from retainer.services import contract_create

    fields.setdefault("code", f"MM-{Contract.objects.count() + 1:04d}")
    fields.setdefault("starts_on", date(2026, 1, 1))
    fields.setdefault("ends_on", date(2026, 12, 31))
    return contract_create(
        actor=actor,
        customer=customer or CustomerFactory(),
        contracted_mm=Decimal(mm),
        **fields,
    )


def work_log_deducted_per_log(**fields):
    """Store a diagnostic or advisory log deducted as before effort streams: on its own.

    The log is saved without the work-log service (which would sync its engagement's or
    month's stream), then its ``worklog:<id>`` stream is posted through the ledger helper
    exactly as the old ``ledger_sync_work_log`` did: its hours rounded to 0.01 M/M alone, the
    entry pointing at the log. Such entries are what existing databases hold.
    """
    from decimal import Decimal

    from django.db import transaction
    from django.db.models import Q

    from core import clock
    from retainer import rules
    from retainer.models import LedgerEntry, WorkLog
    from retainer.services.common import local_date
    from retainer.services.ledger import Stream, contract_lock, stream_sync

    engagement = fields.get("engagement")
    fields.setdefault("contract", engagement.contract if engagement is not None else None)
    fields.setdefault("performed_on", local_date(clock.now()))
    fields["hours"] = Decimal(fields["hours"])
    with transaction.atomic():
        work = WorkLog.objects.create(**fields)
        contract = contract_lock(work.contract_id)
        mm = rules.effort_mm(work.hours, contract.hours_per_mm)
        stream_sync(
            Stream(
                key=f"worklog:{work.pk}",
                existing=Q(work_log_id=work.pk),
                first_kind=LedgerEntry.Kind.DEDUCTION,
                delta_kind=LedgerEntry.Kind.ADJUSTMENT,
            ),
            contract=contract,
            target=-mm if work.billable else rules.ZERO,
            hours=work.hours if work.billable else rules.ZERO,
            effective_on=work.performed_on,
            actor=None,
            now=clock.now(),
            work_log_id=work.pk,
        )
    return work
