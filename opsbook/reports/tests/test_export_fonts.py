"""The cut-down fonts of the PDF: what they hold, that the PDF uses them, that a character they
lack still prints (from the installed face), and that the fetcher reads those files only."""

import io
from typing import Any

import pypdf
import pytest

from opsbook.reports.export import fonts, layout, pdf
from opsbook.reports.testing import sample_document

# What the small cuts below hold: enough for a short report, not 喆.
TEXT = "运营服务月报一二三四五六概述关键指标、（）。0123456789.% —"
pytestmark = pytest.mark.skipif(
    not fonts.installed_faces(), reason="fonts-noto-cjk is not installed"
)


@pytest.fixture(scope="module")
def cut_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fonts")
    for face in fonts.installed_faces():
        fonts.build(face, directory, text=TEXT)
    return directory


@pytest.fixture
def cuts(cut_dir, settings):
    settings.REPORT_FONT_DIR = cut_dir
    return cut_dir


def embedded_fonts(content: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        resources: Any = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_the_charset_is_gb2312_with_latin_and_punctuation():
    chars = set(fonts.charset())
    assert {"的", "运", "营", "齄", "A", "z", "0", "%", "—", "（", "。", "①", "％", "“"} <= chars
    assert not {"喆", "堃", "𠀀"} & chars
    assert 6763 < len(chars) < 9000


def test_without_cuts_the_pdf_names_the_installed_faces(tmp_path, settings):
    settings.REPORT_FONT_DIR = tmp_path
    assert fonts.font_face_css() == ""
    assert fonts.font_urls() == frozenset()
    assert layout.css_font_family("仿宋").startswith('"Noto Serif CJK SC"')


def test_a_cut_is_named_first_and_the_installed_face_after_it(cuts):
    family = layout.css_font_family("仿宋")
    assert family.startswith('"Opsbook Noto Serif CJK SC", "Noto Serif CJK SC", "仿宋"')
    assert layout.css_font_family("黑体", bold=True).startswith('"Opsbook Noto Sans CJK SC"')
    css = fonts.font_face_css()
    assert css.count("@font-face") == 4
    assert "font-weight: bold" in css and "font-weight: normal" in css


def test_a_family_whose_bold_cut_is_missing_is_not_used(cuts, tmp_path, settings):
    serif_regular = layout.ALL_FACES[0][0]
    for face in (serif_regular, layout.ALL_FACES[1][0], layout.ALL_FACES[1][1]):
        cut = fonts.cut_path(face, cuts)
        for source in (cut, cut.with_suffix(".source")):
            (tmp_path / source.name).write_bytes(source.read_bytes())
    settings.REPORT_FONT_DIR = tmp_path
    assert fonts.cut_family(serif_regular) is None
    assert layout.css_font_family("仿宋").startswith('"Noto Serif CJK SC"')
    assert layout.css_font_family("黑体").startswith('"Opsbook Noto Sans CJK SC"')


def test_a_cut_made_from_another_installed_file_is_stale(cuts, tmp_path):
    face = layout.ALL_FACES[0][0]
    assert fonts.is_current(face, cuts)
    target = fonts.cut_path(face, tmp_path)
    target.write_bytes(fonts.cut_path(face, cuts).read_bytes())
    assert not fonts.is_current(face, tmp_path)  # no record of its source
    target.with_suffix(".source").write_text("123:456\n")  # an earlier fonts-noto-cjk
    assert not fonts.is_current(face, tmp_path)


def test_the_pdf_embeds_the_cuts_and_prints_a_character_they_lack(cuts):
    document = sample_document()
    document["sections"][0]["narrative"] = {
        "text": "本月由张喆负责。",
        "refs": [],
        "edited": False,
    }
    content = pdf.render(document)
    names = embedded_fonts(content)
    assert any(n.startswith("Opsbook-Noto-Serif-CJK-SC") for n in names), names
    # 喆 is outside GB 2312 and outside these small cuts: it comes from the installed face.
    assert "Noto-Serif-CJK-SC" in names, names
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "张喆负责" in text.replace("\n", "")


def test_the_fetcher_reads_the_cuts_and_nothing_beside_them(cuts):
    fetcher = pdf.GuardedFetcher()
    url = sorted(fetcher.font_urls)[0]
    assert fetcher.fetch(url).read()[:4] == b"OTTO"
    (cuts / "secret.txt").write_text("no")
    for other in (
        (cuts / "secret.txt").as_uri(),
        url + "?x",
        url.replace("file://", "file://localhost"),
        url.rsplit("/", 1)[0] + "/../" + url.rsplit("/", 1)[1],
        "file:///etc/passwd",
    ):
        with pytest.raises(pdf.ForbiddenURL):
            fetcher.fetch(other)


def test_the_command_cuts_each_face_once(tmp_path, settings, monkeypatch):
    from django.core.management import call_command

    settings.REPORT_FONT_DIR = tmp_path
    made = []
    real = fonts.build

    def small(face, directory=None, text=None):
        made.append(face)
        return real(face, directory, text=TEXT)

    monkeypatch.setattr(fonts, "build", small)
    out = io.StringIO()
    call_command("report", "fonts", "--jobs", "1", stdout=out)
    assert len(made) == len(fonts.installed_faces())
    assert all(fonts.is_current(face) for face in fonts.installed_faces())
    call_command("report", "fonts", stdout=out)  # nothing to cut: no pool is started
    assert len(made) == len(fonts.installed_faces())
    assert "up to date" in out.getvalue()
    call_command("report", "fonts", "--force", "--jobs", "1", stdout=out)
    assert len(made) == 2 * len(fonts.installed_faces())
