"""Django's own interface strings that its Chinese catalogue lacks, translated in ours.

``make messages`` keeps a catalogue entry only while a source file names its text, so each such
string is named here (never imported: makemessages reads the file)."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    # Django 6.1's empty choice of a select (forms.Field.empty_label)
    gettext_noop("- Select an option -"),
)

# Our own strings that makemessages cannot see where the code translates them: the chat channels
# import gettext_lazy as ``_lazy`` (not a keyword xgettext knows), and tickets/notices.py calls
# ``_()`` inside an f-string (xgettext 0.21 does not look into f-strings).
HIDDEN_STRINGS = (
    # notify/channels/dingtalk.py, wecom.py, feishu.py: the vendors' error codes
    gettext_noop(
        "Security check failed: check the signing secret (加签), the keyword or the IP range."
    ),
    gettext_noop("The access_token is wrong or the robot was removed."),
    gettext_noop("The robot is disabled."),
    gettext_noop("Invalid webhook URL (the key is wrong or the robot was removed)."),
    gettext_noop("Message too long."),
    gettext_noop("Invalid message type."),
    gettext_noop("The signature does not match (check the secret) or the server clock is off."),
    gettext_noop("The message lacks the bot's keyword (set the keyword on this channel)."),
    gettext_noop("The webhook token is wrong or the bot was removed."),
    gettext_noop("This server's address is not in the bot's IP allowlist."),
    gettext_noop("Bad request."),
    # tickets/notices.py: the customer's reply e-mail
    gettext_noop("Reply or follow the request here:"),
)
