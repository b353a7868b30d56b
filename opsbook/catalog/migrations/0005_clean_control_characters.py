"""Existing checklist text made to fit the rule of 0004: a run of control characters in a
single-line value (a name, a code, a title, a part's sentence) becomes one space, as the import
reads a line break in a name cell; in descriptions and notes, control characters other than line
breaks and tabs are removed. A cleaned value that would collide with another record's (two items
named 热线⏎电话 and 热线 电话 in one category) is left as it was: the form shows the error on the
field when someone next edits it."""

import re

from django.db import IntegrityError, migrations, transaction

SINGLE_LINE = {
    "Category": ("name",),
    "ServiceItem": (
        "code", "name", "frequency_text", "target_customers", "service_hours", "region",
    ),
    "ServiceContent": ("code", "name", "frequency_text"),
    "ServiceStandard": ("text", "description"),
    "Kpi": ("text", "name", "unit", "description"),
    "Checkpoint": ("title",),
    "Resource": ("description",),
    "CustomerService": ("notes",),
}  # fmt: skip
MULTI_LINE = {
    "Category": ("description",),
    "ServiceItem": ("description", "notes"),
    "ServiceContent": ("description", "notes"),
}
SINGLE_BAD = r"[\x00-\x1f\x7f]"
MULTI_BAD = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def _single(value: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()


def _multi(value: str) -> str:
    return re.sub(MULTI_BAD, "", value)


def clean(apps, schema_editor):
    for model_name in SINGLE_LINE.keys() | MULTI_LINE.keys():
        model = apps.get_model("catalog", model_name)
        rules = [(field, SINGLE_BAD, _single) for field in SINGLE_LINE.get(model_name, ())]
        rules += [(field, MULTI_BAD, _multi) for field in MULTI_LINE.get(model_name, ())]
        for field, bad, fix in rules:
            for pk, value in model.objects.filter(**{f"{field}__regex": bad}).values_list(
                "pk", field
            ):
                cleaned = fix(value)
                if field == "code" and not cleaned:
                    continue
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=pk).update(**{field: cleaned})
                except IntegrityError:
                    continue  # another record has the cleaned value: left for a person


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_names_refuse_control_characters")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
