"""A campaign's responses as XLSX or CSV: one row per response, one column per question.

Formula-safe: text that a spreadsheet could run as a formula gets an apostrophe in front
(``core.tabular.xlsx.neutralise``), in both formats.
"""

import csv
import io
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbook.core.tabular.xlsx import neutralise, new_workbook

from .choices import QuestionKind
from .models import Answer, Campaign, Response


def _headers(questions) -> list[object]:
    return [
        _("Submitted at"),
        _("Organisation"),
        _("Contact"),
        _("E-mail"),
        _("Submitted through"),
        *[q.text for q in questions],
    ]


def _rows(campaign: Campaign, responses: QuerySet[Response]) -> Iterator[list[object]]:
    questions = list(campaign.survey.questions.all())
    yield _headers(questions)
    responses = responses.select_related("customer", "invitation__contact").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.prefetch_related("choices"))
    )
    for response in responses.order_by("submitted_at", "id").iterator(chunk_size=500):
        answers = {a.question_id: a for a in response.answers.all()}
        cells: list[object] = [
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
            response.customer.name if response.customer else "",
            response.invitation.contact.label,
            response.invitation.email,
            response.get_via_display(),
        ]
        for q in questions:
            answer = answers.get(q.pk)
            if answer is None:
                cells.append("")
            elif q.kind in (QuestionKind.NPS, QuestionKind.RATING):
                cells.append(answer.score)
            elif q.kind == QuestionKind.TEXT:
                cells.append(answer.text)
            else:
                cells.append("; ".join(c.option for c in answer.choices.all()))
        yield cells


def _safe(value: object) -> object:
    return neutralise(value) if isinstance(value, str) else value


def as_csv(campaign: Campaign, responses: QuerySet[Response]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(campaign, responses):
        writer.writerow(["" if v is None else _safe(v) for v in row])
    # A BOM so that Excel opens the UTF-8 text as such.
    return ("\ufeff" + out.getvalue()).encode()


def as_xlsx(campaign: Campaign, responses: QuerySet[Response]) -> bytes:
    output = io.BytesIO()
    book = new_workbook(output)
    sheet = book.add_worksheet(_("Responses")[:31])
    for r, row in enumerate(_rows(campaign, responses)):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(_safe(value)))
    book.close()
    return output.getvalue()
