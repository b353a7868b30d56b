"""``parse_frequency``: one phrase, Chinese or English, to one ``Frequency``."""

import unicodedata

from django.utils.translation import gettext as _

from .build import make_frequency
from .en import parse_en
from .model import MAX_PHRASE, Frequency, FrequencyError, NotUnderstood, with_examples
from .zh import CJK, parse_zh


def parse_frequency(text: str) -> Frequency:
    """Read a phrase such as 每周两次 or "by the 5th of each month".

    Raises FrequencyError, naming the phrase and listing accepted examples, if it cannot.
    """
    phrase = (text or "").strip()
    if not phrase:
        raise FrequencyError(with_examples(_("The frequency is empty.")), phrase)
    if len(phrase) > MAX_PHRASE:
        message = _("A frequency is at most %(max)d characters long.") % {"max": MAX_PHRASE}
        raise FrequencyError(with_examples(message), phrase)
    cleaned = unicodedata.normalize("NFKC", phrase).lower().strip()
    try:
        parts = parse_zh(cleaned) if CJK.search(cleaned) else parse_en(cleaned)
        return make_frequency(**parts)
    except NotUnderstood:
        message = _("Opsbook cannot read “%(phrase)s” as a frequency.") % {"phrase": phrase}
        raise FrequencyError(with_examples(message), phrase) from None
    except FrequencyError as exc:
        message = _("“%(phrase)s” is not a usable frequency: %(reason)s") % {
            "phrase": phrase,
            "reason": str(exc),
        }
        raise FrequencyError(with_examples(message), phrase) from None
