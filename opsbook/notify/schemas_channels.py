"""Input and output schemas of the delivery routes of /api/notifications/ (names prefixed so
they stay unique in the OpenAPI document). Secrets go in, never out: answers carry masked
values."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from opsbook.core.text import SingleLine

from . import secrets
from .models import AllowedHost, Channel, Delivery

ChatKind = Literal["wecom", "dingtalk", "feishu", "slack", "webhook"]
DeliveryKind = Literal["email", "wecom", "dingtalk", "feishu", "slack", "webhook"]
Text = SingleLine  # no control characters (they cannot be stored, or break headers)
Name = Annotated[SingleLine, Field(min_length=1, max_length=100)]
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
    name: Name
    kind: ChatKind
    url: Text = Field(min_length=1, max_length=500, description="Stored encrypted; never returned.")
    secret: Text = Field("", max_length=200, description="Signing secret; stored encrypted.")
    keyword: Text = Field("", max_length=50)
    rate_per_minute: int | None = Field(None, ge=1, le=10000)
    is_active: bool = True


class NotifyChannelPatch(Schema):
    """Fields left out are kept; ``url`` and ``secret`` left out (or empty) keep the stored
    ones; ``clear_secret`` removes the signing secret."""

    name: Name | None = None
    kind: ChatKind | None = None
    url: Text | None = Field(None, max_length=500)
    secret: Text | None = Field(None, max_length=200)
    clear_secret: bool = False
    keyword: Text | None = Field(None, max_length=50)
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
    host: Text = Field(min_length=1, max_length=253)
    allow_private: bool = False
    note: Text = Field("", max_length=200)
