"""Form helpers shared by the apps."""

from typing import Any

from django import forms


class StyledFormMixin:
    """Give every widget its Bootstrap class, so templates stay dumb."""

    fields: dict[str, forms.Field]  # the form's, once the form class's __init__ has run

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {css}".strip()
