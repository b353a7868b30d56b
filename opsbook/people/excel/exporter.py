"""The roster as a workbook in the import's layout: 团队, 员工, 客户 and 联系人 sheets with the
import's Chinese headers. Importing the export back changes nothing. Text that a spreadsheet
could run as a formula gets an apostrophe, which the importer removes again."""

import io
from collections.abc import Iterable
from typing import Any

from opsbook.accounts.choices import STAFF_ROLES, Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.core.tabular.xlsx import neutralise, new_workbook

from .columns import COLUMNS, CONTACT, CUSTOMER, KINDS, NO, ROLE_TEXT, SHEET_NAMES, STAFF, TEAM, YES


def _yes(value: bool) -> str:
    return YES if value else NO


def _rows(kind: str) -> Iterable[dict[str, Any]]:
    if kind == TEAM:
        for team in Team.objects.select_related("parent").order_by("name"):
            yield {
                "name": team.name,
                "parent": team.parent.name if team.parent else "",
                "description": team.description,
            }
    elif kind == STAFF:
        leads = set(Team.objects.exclude(lead=None).values_list("pk", "lead_id"))
        people = User.objects.filter(role__in=STAFF_ROLES).select_related("team")
        for person in people.order_by("username"):
            yield {
                "name": person.label,
                "login": person.username,
                "email": person.email,
                "phone": person.phone,
                "team": person.team.name if person.team else "",
                "role": ROLE_TEXT[Role(person.role)][0],
                "lead": _yes((person.team_id, person.pk) in leads),
                "capacity": "" if person.capacity_hours is None else person.capacity_hours,
                "active": _yes(person.is_active),
            }
    elif kind == CUSTOMER:
        customers = Customer.objects.prefetch_related("services__item").order_by("code")
        for customer in customers:
            yield {
                "code": customer.code,
                "name": customer.name,
                "services": "、".join(sorted(s.item.code for s in customer.services.all())),
                "active": _yes(customer.is_active),
                "notes": customer.notes,
            }
    else:
        contacts = User.objects.filter(role=Role.CUSTOMER).select_related("customer")
        for contact in contacts.order_by("customer__code", "username"):
            yield {
                "name": contact.label,
                "login": contact.username,
                "email": contact.email,
                "phone": contact.phone,
                "customer": contact.customer.code if contact.customer else "",
                "active": _yes(contact.is_active),
            }


def export_people() -> bytes:
    output = io.BytesIO()
    workbook = new_workbook(output)
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for kind in KINDS:
        sheet = workbook.add_worksheet(SHEET_NAMES[kind][0])
        columns = COLUMNS[kind]
        for index, column in enumerate(columns):
            sheet.write_string(0, index, column.zh, header)
            sheet.set_column(index, index, column.width, text)
        sheet.freeze_panes(1, 0)
        for number, row in enumerate(_rows(kind), 1):
            for index, column in enumerate(columns):
                value = row.get(column.key, "")
                if isinstance(value, int):
                    sheet.write_number(number, index, value)
                else:
                    sheet.write_string(number, index, neutralise(str(value)))
    workbook.close()
    return output.getvalue()


__all__ = ["CONTACT", "export_people"]
