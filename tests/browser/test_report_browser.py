"""The HTML report in a real browser: headless Chromium renders it, every image loads, no errors.

scripts/test.sh installs Chromium from Debian's packages when it runs as root; without
it the test skips locally, and fails on CI (``CI=true``), where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from synthtab.evaluation import Report, evaluate
from tests.conftest import make_mixed_frame

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: Appended to a copy of the report (the report itself has no scripts): counts the images
#: that decoded, and the error events (a failed image fires one) into data attributes.
CHECK_SCRIPT = """<script>
let errors = 0;
window.addEventListener('error', () => { errors += 1; }, true);
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const loaded = images.filter((i) => i.complete && i.naturalWidth > 0).length;
  document.body.dataset.images = loaded + '/' + images.length;
  document.body.dataset.errors = String(errors);
});
</script>"""


def _browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    reason = "Chromium is not installed (scripts/test.sh installs it when run as root)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; on CI the browser test must run.")
    pytest.skip(reason)


def _run(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def _console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def report() -> Report:
    real, synthetic = make_mixed_frame(200, seed=0), make_mixed_frame(200, seed=1)
    holdout = make_mixed_frame(100, seed=2)
    history = {"loss": [2.0, 1.4, 1.1, 1.0]}
    return evaluate(real, synthetic, target="member", holdout=holdout, history=history)


def test_report_renders_in_chromium(report: Report, tmp_path: Path) -> None:
    browser = _browser()
    page = report.to_html(tmp_path / "report.html")
    shot = tmp_path / "report.png"
    run = _run(browser, f"--screenshot={shot}", "--window-size=1280,4000", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes().startswith(PNG_MAGIC)
    assert shot.stat().st_size > 50_000  # a blank 1280x4000 page is a few kilobytes
    assert _console_lines(run.stderr) == []


def test_every_image_loads_without_errors(report: Report, tmp_path: Path) -> None:
    browser = _browser()
    text = report.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    check = tmp_path / "check.html"
    check.write_text(text.replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
    run = _run(browser, "--dump-dom", check.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    images = re.search(r'data-images="(\d+)/(\d+)"', run.stdout)
    errors = re.search(r'data-errors="(\d+)"', run.stdout)
    assert images is not None and errors is not None, run.stdout[-2000:]
    loaded, total = int(images.group(1)), int(images.group(2))
    assert total == len(report.figures) >= 8
    assert loaded == total
    assert errors.group(1) == "0"
    assert _console_lines(run.stderr) == []
