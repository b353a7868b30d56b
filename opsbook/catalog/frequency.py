"""How often a service runs, parsed from what people write (每周两次, 每月5日前, twice a week …)."""

from dataclasses import asdict, dataclass


class FrequencyError(ValueError):
    """The phrase could not be understood; the message lists accepted examples."""


@dataclass(frozen=True)
class Frequency:
    kind: str
    period: str | None
    interval: int
    times_per_period: int | None
    weekdays: tuple[int, ...]
    month_days: tuple[int, ...]
    business_days_only: bool
    due_within_days: int | None
    rrule: str | None
    label_zh: str
    label_en: str

    def as_dict(self) -> dict:
        data = asdict(self)
        data["weekdays"] = list(self.weekdays)
        data["month_days"] = list(self.month_days)
        return data


def parse_frequency(text: str) -> Frequency:
    raise FrequencyError(text)
