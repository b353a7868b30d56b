"""Input and output schemas of the delivery routes of /api/notifications/ (names prefixed so
they stay unique in the OpenAPI document). Secrets go in, never out: answers carry masked
values."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from . import secrets
from .models import AllowedHost, Channel, Delivery

ChatKind = Literal["wecom", "dingtalk", "feishu", "slack", "webhook"]
DeliveryKind = Literal["email", "wecom", "dingtalk", "feishu", "slack", "webhook"]
DeliveryState = Literal["pending", "sending", "retrying", "sent", "failed", "held"]


class NotifyChannelOut(Schema):
    id: int
    name: str
    kind: ChatKind
    url_masked: str = Field(description="The webhook URL with its credential masked.")
    secret_masked: str = Field(description="Empty when the channel has no signing secret.")
    keyword: str
    rate_per_minute: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url_masked(obj: Channel) -> str:
        return secrets.masked_channel_url(obj)

    @staticmethod
    def resolve_secret_masked(obj: Channel) -> str:
        return secrets.masked_channel_secret(obj)


class NotifyChannelIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    kind: ChatKind
    url: str = Field(min_length=1, max_length=500, description="Stored encrypted; never returned.")
    secret: str = Field("", max_length=200, description="Signing secret; stored encrypted.")
    keyword: str = Field("", max_length=50)
    rate_per_minute: int | None = Field(None, ge=1, le=10000)
    is_active: bool = True


class NotifyChannelPatch(Schema):
    """Fields left out are kept; ``url`` and ``secret`` left out (or empty) keep the stored
    ones; ``clear_secret`` removes the signing secret."""

    name: str | None = Field(None, min_length=1, max_length=100)
    kind: ChatKind | None = None
    url: str | None = Field(None, max_length=500)
    secret: str | None = Field(None, max_length=200)
    clear_secret: bool = False
    keyword: str | None = Field(None, max_length=50)
    rate_per_minute: int | None = Field(None, ge=1, le=10000)
    is_active: bool | None = None


class NotifyDeliveryOut(Schema):
    id: int
    event: str
    kind: DeliveryKind
    channel_id: int | None
    recipient_id: int | None
    subject: str
    link: str
    status: DeliveryState
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str
    created_at: datetime

    @staticmethod
    def resolve_channel_id(obj: Delivery) -> int | None:
        return obj.channel_id

    @staticmethod
    def resolve_recipient_id(obj: Delivery) -> int | None:
        return obj.recipient_id


class NotifyAllowedHostOut(Schema):
    id: int
    host: str
    allow_private: bool
    note: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: AllowedHost) -> int:
        return obj.pk


class NotifyAllowedHostIn(Schema):
    host: str = Field(min_length=1, max_length=253)
    allow_private: bool = False
    note: str = Field("", max_length=200)
