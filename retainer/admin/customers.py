"""Admin for customers, their people, services and products (account managers edit)."""

from django.contrib import admin

from core.admin import AuditedAdmin
from retainer.admin.base import AccountManagerChoiceMixin
from retainer.models import Customer, CustomerUser, Product, Service


class CustomerUserInline(admin.TabularInline):
    model = CustomerUser
    extra = 0
    fields = ("user", "phone", "job_title", "receives_mm_reports")
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
    list_display = ("user", "customer", "phone", "job_title", "receives_mm_reports")
    list_select_related = ("user", "customer")
    list_filter = ("customer",)
    search_fields = ("user__username", "user__email", "user__last_name", "customer__name")
    autocomplete_fields = ("user", "customer")
