"""Forms of the staff ticket pages. Forms validate and convert; writes go through services and
the list filters are parsed by ``filters`` (``listing`` only draws them)."""

from .actions import (
    AssignForm,
    AttachmentsForm,
    FollowUpCorrectionForm,
    FollowUpForm,
    ReplyForm,
    RootCauseCorrectionForm,
    RootCauseForm,
    StatusForm,
    WatchersForm,
)
from .fields import (
    AutocompleteInput,
    MultipleFileField,
    VersionedForm,
    assignable_users,
    split_tags,
)
from .listing import (
    BULK_ACTIONS,
    PAGE_SIZES,
    BulkActionForm,
    SaveFilterForm,
    bulk_controls,
    filter_controls,
    save_controls,
)
from .ticket import TicketCreateForm, TicketEditForm

__all__ = [
    "BULK_ACTIONS",
    "PAGE_SIZES",
    "AssignForm",
    "AttachmentsForm",
    "AutocompleteInput",
    "BulkActionForm",
    "FollowUpCorrectionForm",
    "FollowUpForm",
    "MultipleFileField",
    "ReplyForm",
    "RootCauseCorrectionForm",
    "RootCauseForm",
    "SaveFilterForm",
    "StatusForm",
    "TicketCreateForm",
    "TicketEditForm",
    "VersionedForm",
    "WatchersForm",
    "assignable_users",
    "bulk_controls",
    "filter_controls",
    "save_controls",
    "split_tags",
]
