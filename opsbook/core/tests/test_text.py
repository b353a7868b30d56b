"""One rule for control characters in text, for the API, the forms and the models."""

import pytest
from django.core.exceptions import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from opsbook.core.text import (
    MultiLine,
    SingleLine,
    clean_single_line,
    has_control_characters,
    multi_line,
    single_line,
)


class Shape(BaseModel):
    name: SingleLine = ""
    text: MultiLine = ""


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\r\nb", "a\tb", "a\x00b", "a\x1bb", "a\x7fb"])
def test_a_single_line_holds_no_control_character(value):
    assert has_control_characters(value)
    with pytest.raises(ValidationError):
        single_line(value)
    with pytest.raises(PydanticError) as caught:
        Shape(name=value)
    assert caught.value.errors()[0]["loc"] == ("name",)


@pytest.mark.parametrize("value", ["第一行\n第二行", "a\r\nb", "列\t对齐", "春节；国庆,元旦"])
def test_multi_line_text_may_hold_line_breaks_and_tabs(value):
    multi_line(value)
    assert Shape(text=value).text == value


@pytest.mark.parametrize("value", ["a\x00b", "a\x07b", "a\x0bb", "a\x0cb", "a\x1fb", "a\x7fb"])
def test_multi_line_text_holds_no_other_control_character(value):
    with pytest.raises(ValidationError):
        multi_line(value)
    with pytest.raises(PydanticError):
        Shape(text=value)


def test_plain_text_passes_untouched():
    assert Shape(name="上海办公室 (总部)", text="说明").name == "上海办公室 (总部)"
    single_line("Ünïcödé ✓ 春节")


def test_stored_text_is_put_on_one_line_for_headers_and_file_names():
    assert clean_single_line("上海\r\n办公室\t\x00总部 ") == "上海 办公室 总部"


def test_the_openapi_pattern_says_the_same_as_the_validator():
    import re

    schema = Shape.model_json_schema()
    name = re.compile(schema["properties"]["name"]["pattern"])
    text = re.compile(schema["properties"]["text"]["pattern"])
    for value in ["a\nb", "a\x00b", "ok", "a\tb", "a\x7f"]:
        assert bool(name.fullmatch(value)) != has_control_characters(value)
        assert bool(text.fullmatch(value)) != has_control_characters(value, multi_line=True)
