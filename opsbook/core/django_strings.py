"""Django's own interface strings that its Chinese catalogue lacks, translated in ours.

``make messages`` keeps a catalogue entry only while a source file names its text, so each such
string is named here (never imported: makemessages reads the file)."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    # Django 6.1's empty choice of a select (forms.Field.empty_label)
    gettext_noop("- Select an option -"),
)
