"""mkdocs hook: publish the repository's CHANGELOG.md as the site's changelog page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

CHANGELOG = Path(__file__).resolve().parents[1] / "CHANGELOG.md"


def on_files(files: Files, config: Any) -> Files:
    """Add CHANGELOG.md (kept at the top of the repository) as changelog.md."""
    files.append(File.generated(config, "changelog.md", content=CHANGELOG.read_text("utf-8")))
    return files
