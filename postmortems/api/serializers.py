"""Post-mortem API shapes: one read representation each, small input shapes for writes.

Input serializers check types and that ids name staff users (or the incident's products);
the services own the workflow rules and write the data.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.access import STAFF_GROUPS, is_staff_member
from core.people import person_name
from postmortems.models import ActionItem, PostMortem
from retainer.models import Product

User = get_user_model()


def _for_customer(serializer: serializers.Serializer) -> bool:
    """Tell whether the representation goes to a customer user (no staff user ids then)."""
    request = serializer.context.get("request")
    return request is not None and not is_staff_member(request.user)


def staff_users() -> Any:
    """Return the users who may own or review a post-mortem (the firm's active staff)."""
    staff = Q(is_superuser=True) | Q(groups__name__in=STAFF_GROUPS)
    return User.objects.filter(staff, is_active=True).distinct()


class ActionItemSerializer(serializers.ModelSerializer):
    """An action item, read and written in one shape (owner: a staff user id)."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("A staff user id; left out of what customer users read."),
    )
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "post_mortem",
            "title",
            "type",
            "owner",
            "owner_name",
            "due_date",
            "priority",
            "status",
            "link",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "post_mortem", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()

    def get_owner_name(self, obj: ActionItem) -> str:
        """The owner's display name ("" when nobody owns it)."""
        return person_name(obj.owner)

    def to_representation(self, instance: ActionItem) -> dict[str, Any]:
        data = super().to_representation(instance)
        if _for_customer(self):
            data.pop("owner")
        return data


class PostMortemSerializer(serializers.ModelSerializer):
    incident = serializers.CharField(source="incident.key", read_only=True)
    incident_summary = serializers.CharField(source="incident.summary", read_only=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)
    time_to_detect = serializers.SerializerMethodField()
    time_to_acknowledge = serializers.SerializerMethodField()
    time_to_resolve = serializers.SerializerMethodField()
    action_items = ActionItemSerializer(many=True, read_only=True)
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = PostMortem
        fields = [
            "id",
            "incident",
            "incident_summary",
            "status",
            "owner",
            "owner_name",
            "reviewers",
            "due_at",
            "delivered_at",
            "acknowledged_at",
            "on_time",
            "cancelled_at",
            "cancel_reason",
            "impact_duration",
            "users_affected",
            "products",
            "time_to_detect",
            "time_to_acknowledge",
            "time_to_resolve",
            *PostMortem.REPORT_FIELDS,
            "action_items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_owner_name(self, obj: PostMortem) -> str:
        """The owner's display name ("" when nobody owns it)."""
        return person_name(obj.owner)

    def to_representation(self, instance: PostMortem) -> dict[str, Any]:
        data = super().to_representation(instance)
        if _for_customer(self):
            # Who works the report inside the firm is the firm's business: the customer reads
            # the owner's name, not staff user ids or the internal reviewers.
            data.pop("owner")
            data.pop("reviewers")
        return data

    @staticmethod
    def _seconds(value: Any) -> int | None:
        return None if value is None else int(value.total_seconds())

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_to_detect(self, obj: PostMortem) -> int | None:
        """TTD in seconds (detected minus impact start)."""
        return self._seconds(obj.incident.time_to_detect)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_to_acknowledge(self, obj: PostMortem) -> int | None:
        """TTA in seconds (acknowledged minus reported)."""
        return self._seconds(obj.incident.time_to_acknowledge)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_to_resolve(self, obj: PostMortem) -> int | None:
        """TTR in seconds (resolved minus impact start, or reported)."""
        return self._seconds(obj.incident.time_to_resolve)


class PostMortemUpdateSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), allow_null=True)
    reviewers = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), many=True)
    products = serializers.PrimaryKeyRelatedField(queryset=Product.objects.none(), many=True)

    class Meta:
        model = PostMortem
        fields = [
            "owner",
            "reviewers",
            "impact_duration",
            "users_affected",
            "products",
            *PostMortem.REPORT_FIELDS,
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()
        self.fields["reviewers"].child_relation.queryset = staff_users()
        postmortem = self.context.get("postmortem")
        customer_id = postmortem.incident.customer_id if postmortem is not None else None
        self.fields["products"].child_relation.queryset = Product.objects.filter(
            customer_id=customer_id
        )


class SubmitSerializer(serializers.Serializer):
    reviewers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        many=True,
        required=False,
        help_text=_("Staff user ids; they replace the named reviewers before submitting."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].child_relation.queryset = staff_users()


class EmptySerializer(serializers.Serializer):
    """No input."""


class PostMortemCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text=_("Why this incident needs no post-mortem.")
    )
