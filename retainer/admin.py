"""Admin for customers, their people, services, products and contracts (account managers)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ACCOUNT_MANAGER_GROUP
from core.admin import AuditedAdmin
from retainer.models import Contract, Customer, CustomerUser, Product, Service

ACCOUNT_MANAGER_FIELDS = ("account_manager",)


def account_managers():
    """Return the users who may be a customer's or contract's account manager."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_active=True) & (Q(is_superuser=True) | Q(groups__name=ACCOUNT_MANAGER_GROUP))
        )
        .distinct()
        .order_by("username")
    )


class AccountManagerChoiceMixin:
    """Offer only account managers in the account-manager drop-down."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ACCOUNT_MANAGER_FIELDS:
            kwargs["queryset"] = account_managers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CustomerUserInline(admin.TabularInline):
    model = CustomerUser
    extra = 0
    fields = ("user", "phone", "job_title")
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ("name", "code", "description", "is_active")


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ("name", "is_active")


@admin.register(Customer)
class CustomerAdmin(AccountManagerChoiceMixin, AuditedAdmin):
    list_display = ("name", "code", "account_manager", "hotline_phone", "is_active")
    list_select_related = ("account_manager",)
    list_filter = ("is_active", "account_manager")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = (CustomerUserInline, ServiceInline, ProductInline)


@admin.register(Contract)
class ContractAdmin(AccountManagerChoiceMixin, AuditedAdmin):
    list_display = ("code", "customer", "starts_on", "ends_on", "status", "account_manager")
    list_select_related = ("customer", "account_manager")
    list_filter = ("status", "customer", ("starts_on", admin.DateFieldListFilter))
    search_fields = ("code", "customer__name")
    autocomplete_fields = ("customer",)
    fieldsets = (
        (None, {"fields": ("customer", "code", "status", "account_manager")}),
        (_("Period"), {"fields": (("starts_on", "ends_on"),)}),
        (
            _("Response SLO targets (minutes)"),
            {
                "fields": (
                    ("response_minutes_sev1", "response_minutes_sev2"),
                    ("response_minutes_sev3", "response_minutes_sev4"),
                )
            },
        ),
    )


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ("name", "code", "customer", "is_active")
    list_select_related = ("customer",)
    list_filter = ("is_active", "customer")
    search_fields = ("name", "code", "customer__name")
    autocomplete_fields = ("customer",)


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    list_display = ("name", "customer", "is_active")
    list_select_related = ("customer",)
    list_filter = ("is_active", "customer")
    search_fields = ("name", "customer__name")
    autocomplete_fields = ("customer",)


@admin.register(CustomerUser)
class CustomerUserAdmin(AuditedAdmin):
    list_display = ("user", "customer", "phone", "job_title")
    list_select_related = ("user", "customer")
    list_filter = ("customer",)
    search_fields = ("user__username", "user__email", "user__last_name", "customer__name")
    autocomplete_fields = ("user", "customer")
