"""Customers, their people, services and products, and retainer contracts."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class Customer(TimeStampedModel):
    """A company that buys retainer expert support."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_customers",
    )
    hotline_phone = models.CharField(_("hotline contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomerUser(TimeStampedModel):
    """Link a login to the one customer company it belongs to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="customer_link",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="members"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer user")
        verbose_name_plural = _("customer users")

    def __str__(self) -> str:
        return f"{self.user} ({self.customer})"


class Service(TimeStampedModel):
    """A service of a customer that can be faulty; ``customer=None`` is shared ("unknown")."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    UNKNOWN_CODE = "unknown"

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["customer__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "code"], name="service_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(customer__isnull=True),
                name="service_unique_shared_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    """A customer product that an incident can affect."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["customer__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="product_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


def default_response_minutes() -> int:
    """Return the default response SLO target in minutes (2 hours unless configured)."""
    return settings.HOTLINE_DEFAULT_RESPONSE_MINUTES


class Contract(TimeStampedModel):
    """A retainer contract: the period and response targets incidents are measured against."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    code = models.CharField(_("contract code"), max_length=40, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_contracts",
    )
    response_minutes_sev1 = models.PositiveIntegerField(
        _("response target, severity 1 (minutes)"), default=default_response_minutes
    )
    response_minutes_sev2 = models.PositiveIntegerField(
        _("response target, severity 2 (minutes)"), default=default_response_minutes
    )
    response_minutes_sev3 = models.PositiveIntegerField(
        _("response target, severity 3 (minutes)"), default=default_response_minutes
    )
    response_minutes_sev4 = models.PositiveIntegerField(
        _("response target, severity 4 (minutes)"), default=default_response_minutes
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["customer", "status", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_period_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    response_minutes_sev1__gt=0,
                    response_minutes_sev2__gt=0,
                    response_minutes_sev3__gt=0,
                    response_minutes_sev4__gt=0,
                ),
                name="contract_response_targets_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.customer})"

    def response_target(self, severity: int) -> timedelta:
        """Return the response SLO target for an incident severity."""
        return timedelta(minutes=getattr(self, f"response_minutes_sev{int(severity)}"))

    def covers(self, day: date) -> bool:
        """Tell whether the contract is active on ``day``."""
        return self.status == self.Status.ACTIVE and self.starts_on <= day <= self.ends_on
