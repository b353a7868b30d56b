"""Channel adapters, one module per kind, looked up by ``ChannelKind`` in ``CHAT_ADAPTERS``.
Adding a chat service means adding one module and one line here."""

from ..choices import ChannelKind
from .base import ChatAdapter, Destination, Message, Outcome, Result, send_chat
from .dingtalk import DingTalkAdapter
from .email import EmailAdapter
from .feishu import FeishuAdapter
from .slack import SlackAdapter
from .webhook import WebhookAdapter
from .wecom import WeComAdapter

CHAT_ADAPTERS: dict[str, ChatAdapter] = {
    ChannelKind.WECOM: WeComAdapter(),
    ChannelKind.DINGTALK: DingTalkAdapter(),
    ChannelKind.FEISHU: FeishuAdapter(),
    ChannelKind.SLACK: SlackAdapter(),
    ChannelKind.WEBHOOK: WebhookAdapter(),
}
EMAIL = EmailAdapter()

__all__ = [
    "CHAT_ADAPTERS",
    "EMAIL",
    "ChatAdapter",
    "Destination",
    "Message",
    "Outcome",
    "Result",
    "send_chat",
]
