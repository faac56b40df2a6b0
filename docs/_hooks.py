"""mkdocs hook: publish the repository's CHANGELOG.md as the site's changelog page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

CHANGELOG = Path(__file__).resolve().parents[1] / "CHANGELOG.md"


def on_files(files: Files, config: Any) -> Files:
    """Add CHANGELOG.md (kept at the top of the repository) as changelog.md."""
    files.append(File.generated(config, "changelog.md", content=CHANGELOG.read_text("utf-8")))
    return files


_SPHINX_ROLE = re.compile(r":(?:py:)?(?:func|mod|class|meth|data|attr|exc|obj|ref):(?=<code)")


def on_page_content(html: str, **_: Any) -> str:
    """Drop the Sphinx roles (``:func:`x``` ...) that numpydoc docstrings use.

    The API pages render docstrings written for both Sphinx and plain text;
    mkdocstrings shows the role's name before the code, which reads as noise.
    """
    return _SPHINX_ROLE.sub("", html)
