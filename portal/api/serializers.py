"""Output shapes of the shared core that several apps' answers embed."""

from __future__ import annotations

from rest_framework import serializers


class JobcenterRefOut(serializers.Serializer):
    """A Jobcenter as other resources name it: its public id and name."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
