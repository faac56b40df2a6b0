"""The documentation: the site builds without warnings, and its Python examples run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
WITH_CODE = [page for page in PAGES if BLOCK.search(page.read_text("utf-8"))]


def test_site_builds_strict(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "index.html").exists()
    assert (tmp_path / "api" / "queueing" / "index.html").exists()
    assert "Changelog" in (tmp_path / "changelog" / "index.html").read_text("utf-8")


def test_every_page_is_in_the_navigation():
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    missing = [p.name for p in PAGES if p.name not in config]
    assert not missing, f"pages missing from mkdocs.yml's nav: {missing}"


@pytest.mark.parametrize("page", WITH_CODE, ids=lambda p: p.name)
def test_python_examples_run(page, tmp_path, monkeypatch):
    """Each page's ```python blocks run in order, in one namespace, in a scratch folder."""
    blocks = BLOCK.findall(page.read_text("utf-8"))
    shutil.copytree(ROOT / "examples", tmp_path / "examples")  # pages open examples/...
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"{page.name} block {number}", "exec"), namespace)
    plt.close("all")
