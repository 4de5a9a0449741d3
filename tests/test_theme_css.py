"""The theme's stylesheet without its unused rules (scripts/theme_css.py) is the one committed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.node

REPO = Path(__file__).resolve().parent.parent


def test_the_committed_theme_stylesheet_is_what_make_styles_writes_now() -> None:
    """It changes when a pinned theme or extension changes, or a template starts using a class
    the theme styles; then `make styles` writes it again."""
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "theme_css.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    css = (REPO / "book/_static/styles/theme-used.css").read_text(encoding="utf-8")
    assert "html[data-theme=dark]" in css and ".bd-header" in css  # the dark scheme and the layout kept
    assert ".carousel" not in css and ".toast" not in css  # Bootstrap's parts no page has left out
