"""Problems, located by sheet, row and column, and the capped list an import reports."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_PROBLEMS = 1000  # listed in a report; the count of the rest follows them


@dataclass
class Problem:
    """One reason to refuse a file (or a warning): where (the row as the spreadsheet numbers
    it, the column as headed) and why."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f"!R{self.row}"
        if self.column:
            where += f" C({self.column})"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Problems:
    """The first ``limit`` problems, and how many there were in all."""

    items: list[Problem] = field(default_factory=list)
    limit: int = MAX_PROBLEMS
    count: int = 0

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if self.count <= self.limit:
            self.items.append(Problem(sheet, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.count)

    def close(self, sheet: str = "") -> None:
        """Add the count of the problems not listed, if any."""
        if self.count > self.limit:
            self.items.append(
                Problem(
                    sheet,
                    None,
                    None,
                    _("%(count)d more problems are not listed; fix these and import again.")
                    % {"count": self.count - self.limit},
                )
            )
