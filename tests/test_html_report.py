"""HTML reports (issue 6): escaping, one-pass highlighting, the seed and a VTT file, the
``fix`` wiring, the progress bar, and a real headless Chromium that must show the edits.

Why a browser: "the edits are highlighted" is a claim about rendering (CSS, layout, the
CSP that blocks everything external), which string checks cannot prove. The Chromium
test skips only when the ``chromium`` binary is absent; ``.ci/run`` installs it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_GLOSSARY, REPO, SEEDS

from pipeline import cli
from pipeline.api import FileResult, Mode, Runner, fix_path
from pipeline.html_report import Mark, highlight, render_index, render_report, split_marks
from pipeline.model import Edit

SEED = SEEDS / "YULg4vMdULo.nl.md"
ARTIFACTS = REPO / "tests" / "artifacts"

EVIL = '<script>alert("x")</script>'
VTT = """WEBVTT
Kind: captions
Language: nl

00:00:01.000 --> 00:00:04.000
Deze week heeft Open AI Sora 2 gelanceerd.

00:00:04.000 --> 00:00:07.500
En Tropic kwam met clots on het 4.5 [Muziek]

00:00:07.500 --> 00:00:10.000
Volgens Sam Alman is dat <b>groot</b> nieuws.

00:01:05.250 --> 00:01:09.000
Samen met Entropick bouwt hij iets.
"""
#: yt-dlp's default file name carries the video id in brackets: links to the second.
VTT_NAME = "AI Report [YULg4vMdULo].nl.vtt"


def _file_result(runner: Runner, path: Path, rel: str | None = None) -> FileResult:
    fr = fix_path(path, rel or path.name, runner, Mode.CHECK)
    assert fr.status == "ok", fr.message
    return fr


def _inline_marks(page: str) -> list[str]:
    text = page.split('<div class="text"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<span class="mark (edit|suggestion) m-\w+" id="([es]\d+)"', text)


@pytest.fixture(scope="module")
def vtt_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vtt") / VTT_NAME
    path.write_text(VTT, encoding="utf-8")
    return path


# ------------------------------------------------------------------------ escaping


def test_script_in_title_and_text_is_escaped(fixture_runner: Runner, tmp_path: Path) -> None:
    src = tmp_path / "evil.txt"
    src.write_text(f"Open AI heeft {EVIL} gezegd en Sam Alman ook.\n", encoding="utf-8")
    fr = _file_result(fixture_runner, src, rel=f"{EVIL}.txt")
    doc = fr.result.original
    fr.result = replace(fr.result, original=replace(doc, meta={**doc.meta, "title": EVIL}))
    for page in (render_report(fr), render_index([fr])):
        assert EVIL not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    report_page = render_report(fr)
    # The report's own script is the only one (and the CSP allows only its hash).
    assert report_page.count("<script") == 1
    assert "<title>&lt;script&gt;" in report_page
    assert render_index([fr]).count("<script") == 0
    # The link to the file's report is URL-quoted, not raw.
    assert 'href="%3Cscript%3Ealert%28%22x%22%29%3C/script%3E.txt.html"' in render_index([fr])


def test_pages_load_nothing(fixture_runner: Runner) -> None:
    page = render_report(_file_result(fixture_runner, SEED))
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc=", page)
    assert "@import" not in page and "url(" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


# ------------------------------------------------------------------- highlighting


def _edit(start: int, before: str, after: str, applied: bool = True, method: str = "exact") -> Edit:
    return Edit("correct_terms", "r", method, 1.0 if applied else 0.85, start, start + len(before),
                before, after, applied=applied)


@pytest.mark.parametrize(
    "text, edits",
    [
        ("Open AI en Sam Alman", [_edit(0, "Open AI", "OpenAI"), _edit(11, "Sam Alman", "Sam Altman")]),
        ("x [Muziek] y", [_edit(1, " [Muziek]", "")]),
        ("abc", []),
        ("clot zegt", [_edit(0, "clot", "Claude", applied=False, method="phonetic")]),
    ],
)
def test_highlight_covers_the_text_exactly_once(text: str, edits: list[Edit]) -> None:
    marks = [Mark.of(e, i) for i, e in enumerate(edits, 1)]
    chunks = highlight(text, marks, [(0, "00:00:00.000")])
    rebuilt = "".join(c.text if c.kind == "text" else c.mark.edit.before if c.kind == "mark" else ""
                      for c in chunks)
    assert rebuilt == text
    assert [c.mark for c in chunks if c.kind == "mark"] == marks


def test_a_suggestion_overlapping_an_edit_goes_to_the_panel() -> None:
    applied = Mark.of(_edit(4, " [Muziek]", ""), 1)
    suggestion = Mark.of(_edit(0, "4.5 [Muziek] Sam", "Sam Altman", applied=False), 1)
    inline, panel = split_marks([suggestion, applied], 0, 30)
    assert inline == [applied] and panel == [suggestion]


# --------------------------------------------------------------------- the seed


def test_seed_report(real_runner: Runner) -> None:
    fr = _file_result(real_runner, SEED)
    r = fr.result
    t0 = time.perf_counter()
    page = render_report(fr)
    assert time.perf_counter() - t0 < 1.0  # one pass over a 70 KB line
    inline = _inline_marks(page)
    assert len(inline) >= len(r.edits) > 20
    assert [i for k, i in inline if k == "edit"] == [f"e{n}" for n in range(1, len(r.edits) + 1)]
    assert html.escape(r.original.meta["title"], quote=False) in page
    assert 'href="https://www.youtube.com/watch?v=YULg4vMdULo"' in page
    for e in r.edits[:5]:
        assert f"<del>{html.escape(e.before)}</del><ins>{html.escape(e.after)}</ins>" in page
    # The text outside ## Transcript (front matter, title) is not in the reading pane.
    assert "**Source:**" not in page.split('<div class="text"', 1)[1].split("</div>", 1)[0]


def test_vtt_report_links_cues_to_the_video(fixture_runner: Runner, vtt_path: Path) -> None:
    fr = _file_result(fixture_runner, vtt_path)
    page = render_report(fr)
    assert "<b>groot" not in page  # caption markup is text here, never HTML
    # Every cue starts with its time, linked to that second of the video.
    for seconds, label in ((1, "00:00:01.000"), (4, "00:00:04.000"), (65, "00:01:05.250")):
        assert (f'<a class="cue" href="https://www.youtube.com/watch?v=YULg4vMdULo&amp;t={seconds}s" '
                f'rel="noreferrer">{label}</a>') in page
    entropick = next(e for e in fr.result.edits if e.before == "Entropick")
    assert entropick.cue_time == "00:01:05.250"
    assert f'data-time="00:01:05.250" data-tip="correct_terms · anthropic · {entropick.method}' in page


def test_index_lists_files_terms_and_suggestions(fixture_runner: Runner, vtt_path: Path) -> None:
    frs = [_file_result(fixture_runner, SEED), _file_result(fixture_runner, vtt_path, "sub/" + VTT_NAME)]
    page = render_index(frs)
    assert '<a href="YULg4vMdULo.nl.md.html">YULg4vMdULo.nl.md</a>' in page
    assert '<a href="sub/AI%20Report%20%5BYULg4vMdULo%5D.nl.vtt.html">' in page
    assert "<td>openai</td><td>OpenAI</td>" in page
    n = sum(len(fr.result.suggestions) for fr in frs)
    assert f"<strong>{n}</strong> suggestions waiting for review" in page
    if n:
        assert re.search(r'href="[^"]+\.html#s1"', page)


# ------------------------------------------------------------------------ the CLI


def test_fix_writes_html_next_to_json_and_md(tmp_path: Path, vtt_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    shutil.copy(vtt_path, corpus / VTT_NAME)
    result = CliRunner().invoke(
        cli.main, ["fix", str(corpus), "--out", str(tmp_path / "out"), "--glossary", str(FIXTURE_GLOSSARY)]
    )
    assert result.exit_code == 0, result.output
    reports = tmp_path / "out" / "reports"
    for name in (SEED.name, VTT_NAME):
        for suffix in (".json", ".md", ".html"):
            assert (reports / (name + suffix)).is_file()
    assert (reports / "index.html").is_file()
    assert f"reports: {reports / 'index.html'}" in result.stdout
    assert "━" not in result.output  # no progress bar when not a terminal


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, vtt_path: Path) -> None:
    fr = FileResult("a", "a", "ok")
    monkeypatch.delenv("CI", raising=False)
    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    with cli._progress((str(vtt_path),), quiet=False) as advance:
        advance(fr)
    assert "1/1" in fake.getvalue() and "files" in fake.getvalue()
    for env, quiet in (({"CI": "true"}, False), ({}, True)):
        fake = _Tty()
        monkeypatch.setattr(sys, "stderr", fake)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        with cli._progress((str(vtt_path),), quiet=quiet) as advance:
            advance(fr)
        assert fake.getvalue() == ""


# ----------------------------------------------------------------- real Chromium

#: Runs in the page after load and writes what the browser actually rendered into the
#: DOM, where ``--dump-dom`` shows it.
PROBE = """(function () {
  var marks = Array.prototype.slice.call(document.querySelectorAll(".text .mark"));
  var out = {total: marks.length, visible: 0, hidden: [], struck: 0, marked: 0, inserted: 0,
             tried: 0, hit: 0};
  marks.forEach(function (m) {
    var r = m.getBoundingClientRect(), st = getComputedStyle(m);
    if (r.width > 0 && r.height > 0 && st.visibility === "visible" && st.display !== "none"
        && parseFloat(st.opacity) > 0) { out.visible++; } else { out.hidden.push(m.id); }
    var d = m.querySelector("del"), i = m.querySelector("ins");
    if (d && getComputedStyle(d).textDecorationLine.indexOf("line-through") >= 0) { out.struck++; }
    if (getComputedStyle(m).backgroundColor !== "rgba(0, 0, 0, 0)") { out.marked++; }
    if (i && i.getBoundingClientRect().width > 0 && getComputedStyle(i).fontWeight >= 600
        || i && i.classList.contains("proposed")) { out.inserted++; }
  });
  marks.slice(0, 8).forEach(function (m) {
    m.scrollIntoView({block: "center"});
    var r = m.getClientRects()[0];
    var el = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    out.tried++;
    if (el && m.contains(el)) { out.hit++; }
  });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();"""

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1280,900",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium package)")
    return path


def _run_chromium(binary: str, profile: Path, *args: str) -> str:
    proc = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, "HOME": str(profile)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def _probe(binary: str, page: Path, tmp: Path) -> dict:
    """Load a copy of ``page`` with the probe script added (and allowed by the CSP)."""
    text = page.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(PROBE.encode()).digest()).decode()
    text = text.replace("script-src ", f"script-src 'sha256-{digest}' ", 1)
    text = text.replace("</body>", f"<script>{PROBE}</script>\n</body>", 1)
    probe_page = page.with_name("probe-" + page.name)
    probe_page.write_text(text, encoding="utf-8")
    dom = _run_chromium(binary, tmp / "profile-probe", "--dump-dom", probe_page.as_uri())
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert m, "the probe did not run: " + dom[-500:]
    return json.loads(html.unescape(m.group(1)))


@pytest.mark.slow
def test_reports_render_in_headless_chromium(real_runner: Runner, fixture_runner: Runner,
                                             vtt_path: Path, tmp_path: Path) -> None:
    binary = _chromium()
    pages = {
        "seed": (_file_result(real_runner, SEED), tmp_path / "seed.html"),
        "vtt": (_file_result(fixture_runner, vtt_path), tmp_path / "vtt.html"),
    }
    for name, (fr, page) in pages.items():
        page.write_text(render_report(fr), encoding="utf-8")
        inline = _inline_marks(page.read_text(encoding="utf-8"))
        seen = _probe(binary, page, tmp_path)
        assert seen["total"] == len(inline) > 0, name
        assert seen["visible"] == seen["total"], f"{name}: hidden marks {seen['hidden'][:10]}"
        with_before = sum(1 for e in fr.result.edits if e.before)
        assert seen["struck"] >= with_before, name  # before is struck through
        with_after = sum(1 for k, _ in inline if k == "suggestion") + sum(
            1 for e in fr.result.edits if e.after)
        assert seen["inserted"] >= with_after, name  # after is marked (bold, or a proposal)
        assert seen["marked"] == seen["total"], name  # every mark is coloured
        assert seen["hit"] == seen["tried"] > 0, name  # nothing covers them
    # Keep a screenshot of the seed's report as a test artefact (referenced in README).
    ARTIFACTS.mkdir(exist_ok=True)
    for name, target in (("seed", "seed-report.png"), ("vtt", "vtt-report.png")):
        shot = tmp_path / target
        _run_chromium(binary, tmp_path / f"profile-{name}", f"--screenshot={shot}",
                      pages[name][1].as_uri())
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
        shutil.copy(shot, ARTIFACTS / target)
