"""Business calendars named in service standards, loaded once and matched in memory."""

from collections import defaultdict

from django.utils.translation import gettext as _

from opsbook.calendars.models import Calendar

from .columns import normalize
from .textformats import StandardSpec, TextFormatError

LISTED_NAMES = 10  # calendars named in an "unknown calendar" message


class CalendarDirectory:
    """Calendars by name (exact first, else ignoring spaces, case and full-width forms).

    The calendars are read in one query, on first use: an import whose standards name no
    calendar never reads them.
    """

    def __init__(self, calendars=None):
        self._ids: dict[str, int] | None = None
        if calendars is not None:
            self._index_rows((c.pk, c.name) for c in calendars)
        self._instances: dict[str, Calendar] = {}

    def _index_rows(self, rows) -> None:
        self._ids = {}
        self._index: dict[str, list[str]] = defaultdict(list)
        for pk, name in rows:
            self._ids[name] = pk
            self._index[normalize(name)].append(name)

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._index_rows(Calendar.objects.values_list("id", "name"))
        assert self._ids is not None  # set by _index_rows
        return self._ids

    def resolve(self, name: str) -> str:
        """The calendar's own name for ``name`` as written; TextFormatError if none or several."""
        if name in self.ids:
            return name
        found = self._index.get(normalize(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise TextFormatError(
                _("Calendar %(name)s is ambiguous: write it exactly as one of %(names)s.")
                % {"name": name, "names": "、".join(sorted(found))}
            )
        names = sorted(self.ids)
        if not names:
            raise TextFormatError(
                _("Unknown calendar %(name)s: there are no business calendars yet.")
                % {"name": name}
            )
        listed = "、".join(names[:LISTED_NAMES]) + ("、…" if len(names) > LISTED_NAMES else "")
        raise TextFormatError(
            _(
                "Unknown calendar %(name)s: no business calendar has this name. "
                "Calendars: %(names)s."
            )
            % {"name": name, "names": listed}
        )

    def resolve_specs(self, specs: tuple[StandardSpec, ...]) -> tuple[StandardSpec, ...]:
        """``specs`` with each calendar named as the database names it."""
        if all(spec.calendar is None for spec in specs):
            return specs
        return tuple(
            spec if spec.calendar is None else spec._replace(calendar=self.resolve(spec.calendar))
            for spec in specs
        )

    def id_of(self, name: str | None) -> int | None:
        """The id of a calendar named by ``resolve`` (None for the default calendar)."""
        return None if name is None else self.ids[name]

    def instance(self, name: str) -> Calendar:
        """A Calendar with this name and its id, for labels (no query per calendar)."""
        calendar = self._instances.get(name)
        if calendar is None:
            calendar = self._instances[name] = Calendar(id=self.ids.get(name), name=name)
        return calendar
