import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

OPSBOOK = Path(sys.executable).with_name("opsbook")


def run(*args) -> str:
    out = StringIO()
    call_command("frequency", *args, stdout=out)
    return out.getvalue()


def test_json_output_is_one_object_with_chinese_kept_readable():
    output = run("每周两次", "--json")
    assert output.count("\n") == 1
    assert "每周两次" in output  # ensure_ascii=False: no \\u escapes
    data = json.loads(output)
    assert data["period"] == "week"
    assert data["times_per_period"] == 2
    assert data["rrule"] is None
    assert data["label_en"] == "Twice a week"


def test_summary_is_one_readable_line_with_both_labels_and_the_rrule():
    output = run("每周一、三、五")
    assert output.count("\n") == 1
    assert output.startswith("每周一、三、五 | Every Mon, Wed, Fri | recurring; each week")
    assert "RRULE FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE,FR" in output


def test_an_unquoted_english_phrase_is_read_as_one_phrase():
    assert json.loads(run("twice", "a", "month", "--json"))["label_zh"] == "每月两次"


def test_a_phrase_it_cannot_read_fails_with_examples():
    with pytest.raises(CommandError) as caught:
        run("哈哈", "--json")
    assert caught.value.returncode == 1
    assert "“哈哈”" in str(caught.value)
    assert "每周两次" in str(caught.value)
    assert "twice a week" in str(caught.value)


def test_the_installed_command_prints_json_and_exits_zero():
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [OPSBOOK, "frequency", "每周两次", "--json"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8"))["label_zh"] == "每周两次"


def test_the_installed_command_exits_one_with_the_reason_on_stderr():
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [OPSBOOK, "frequency", "每周八次"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == b""
    stderr = done.stderr.decode("utf-8")
    assert "8 次超过了该周期的 7 天" in stderr  # the CLI speaks the default language, Chinese
    assert "twice a week" in stderr
