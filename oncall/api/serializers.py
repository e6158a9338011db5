"""On-call API shapes: schedules, layers with their rotation, shifts, who is on call, overrides
and swap requests. Input serializers only parse; the services validate and write.
"""

from datetime import time
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core import clock
from core.people import person_name
from core.timewindow import DateTimeField
from oncall.models import Layer, Override, Rotation, Schedule, SwapRequest
from oncall.services.schedules import current_version

User = get_user_model()


class EngineerRefSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields

    def get_name(self, obj: Any) -> str:
        return person_name(obj)


class RotationSerializer(serializers.ModelSerializer):
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Rotation
        fields = [
            "effective_from",
            "time_zone",
            "participants",
            "start_date",
            "handoff_time",
            "shift_unit",
            "shift_count",
            "restriction",
            "restriction_days",
            "restriction_start",
            "restriction_end",
            "ends_at",
        ]
        read_only_fields = fields

    def get_participants(self, obj: Rotation) -> list[dict[str, Any]]:
        return EngineerRefSerializer([m.user for m in obj.members.all()], many=True).data


class LayerSerializer(serializers.ModelSerializer):
    rotation = serializers.SerializerMethodField(
        help_text=_("The rotation version in force now (or the first one, if none is yet).")
    )

    class Meta:
        model = Layer
        fields = ["id", "schedule", "name", "position", "rotation"]
        read_only_fields = fields

    def get_rotation(self, obj: Layer) -> dict[str, Any] | None:
        row = current_version(obj, self.context.get("now") or clock.now())
        return RotationSerializer(row).data if row is not None else None


class LayerWriteSerializer(serializers.Serializer):
    """A layer and its rotation; on update, a rotation change becomes a new version."""

    schedule = serializers.PrimaryKeyRelatedField(queryset=Schedule.objects.all())
    name = serializers.CharField(max_length=60)
    position = serializers.IntegerField(min_value=1, required=False)
    participants = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True
    )
    start_date = serializers.DateField()
    handoff_time = serializers.TimeField(default=time(9))
    shift_unit = serializers.ChoiceField(
        choices=Rotation.ShiftUnit.choices, default=Rotation.ShiftUnit.DAYS
    )
    shift_count = serializers.IntegerField(min_value=1, max_value=366, default=1)
    restriction = serializers.ChoiceField(
        choices=Rotation.Restriction.choices, default="", allow_blank=True
    )
    restriction_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), default=list
    )
    restriction_start = serializers.TimeField(required=False, allow_null=True, default=None)
    restriction_end = serializers.TimeField(required=False, allow_null=True, default=None)
    ends_at = DateTimeField(required=False, allow_null=True, default=None)
    effective_from = DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When a rotation change takes effect (default: now; never in the past)."),
    )


class ScheduleSerializer(serializers.ModelSerializer):
    layers = LayerSerializer(many=True, read_only=True)

    class Meta:
        model = Schedule
        fields = ["id", "name", "team", "time_zone", "description", "is_active", "layers"]
        read_only_fields = ["id", "layers"]


class ShiftSerializer(serializers.Serializer):
    layer = serializers.IntegerField(source="layer.pk")
    layer_name = serializers.CharField(source="layer.name")
    position = serializers.IntegerField(source="layer.position")
    user = EngineerRefSerializer(allow_null=True)
    start = DateTimeField()
    end = DateTimeField()
    override = serializers.IntegerField(source="override_id", allow_null=True)


class PeriodSerializer(serializers.Serializer):
    start = DateTimeField()
    end = DateTimeField()
    include_gaps = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": _("The end must be after the start.")})
        if (attrs["end"] - attrs["start"]).days > 400:
            raise serializers.ValidationError({"end": _("Ask for at most 400 days at a time.")})
        return attrs


class NowQuerySerializer(serializers.Serializer):
    schedule = serializers.IntegerField()
    at = DateTimeField(required=False, allow_null=True, default=None)


class LayerOnCallSerializer(serializers.Serializer):
    layer = serializers.IntegerField(source="layer.pk")
    layer_name = serializers.CharField(source="layer.name")
    position = serializers.IntegerField(source="layer.position")
    user = EngineerRefSerializer(
        allow_null=True, help_text=_("Who is on call; null means nobody (fall through).")
    )
    since = DateTimeField(allow_null=True)
    until = DateTimeField(
        allow_null=True, help_text=_("When this answer changes; null: not within a month.")
    )
    override = serializers.IntegerField(source="override_id", allow_null=True)


class OverrideSerializer(serializers.ModelSerializer):
    user_detail = EngineerRefSerializer(source="user", read_only=True)

    class Meta:
        model = Override
        fields = ["id", "layer", "user", "user_detail", "start", "end", "reason", "source"]
        read_only_fields = ["id", "user_detail", "source"]


class SwapRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = SwapRequest
        fields = [
            "id",
            "layer",
            "requester",
            "covering",
            "start",
            "end",
            "note",
            "status",
            "decided_at",
            "override",
            "created_at",
        ]
        read_only_fields = ["id", "status", "decided_at", "override", "created_at"]
        extra_kwargs = {"requester": {"required": False}}
