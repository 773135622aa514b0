from rest_framework import serializers

from accounts.models import FIT_PREFERENCES, PROFILE_FIELDS, VIBES, Device, Profile
from core.storage import private_url


class ProfileSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="user.display_name", max_length=80, required=False, allow_blank=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    avatar = serializers.FileField(
        write_only=True, required=False, allow_null=True, help_text="A picture (multipart), or null to remove it."
    )
    avatar_url = serializers.SerializerMethodField(help_text="A signed link that expires after a few minutes.")
    vibes = serializers.ListField(child=serializers.ChoiceField(choices=VIBES), required=False)
    fit_preferences = serializers.ListField(child=serializers.ChoiceField(choices=FIT_PREFERENCES), required=False)
    favourite_colours = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=12)
    avoided_colours = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=12)

    class Meta:
        model = Profile
        fields = ("email", "display_name", "avatar", "avatar_url", *PROFILE_FIELDS, "updated_at")
        read_only_fields = ("updated_at",)

    def get_avatar_url(self, profile: Profile) -> str | None:
        return private_url(profile.avatar.name) if profile.avatar else None


class DeviceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = ("id", "name", "user_agent", "timezone", "screen", "first_seen_at", "last_seen_at", "current")
        read_only_fields = fields

    def get_current(self, device: Device) -> bool:
        return str(device.pk) == self.context["request"].session.get("sesiocloset_device_id")


class DeviceReportSerializer(serializers.Serializer):
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    screen = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
