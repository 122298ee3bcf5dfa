"""docs/settings.md is generated from the settings object; a stale copy fails the build."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from qa.cli.reference import settings_reference
from qa.config import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_the_settings_reference_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == settings_reference(), (
        "docs/settings.md is stale: run `.venv/bin/python -m qa.cli.reference > docs/settings.md`"
    )


def test_every_setting_is_listed_with_its_variable_and_flags() -> None:
    text = settings_reference()
    for name, field in Settings.model_fields.items():
        kind = field.annotation
        env = f"QA_{name.upper()}"
        subs = list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []
        for listed in [f"{env}__{sub.upper()}" for sub in subs] or [env]:
            assert f"| `{listed}` |" in text
    # flags of every subcommand are found: serve's port, ask's -k
    assert "| `QA_PORT` | `--port` |" in text
    assert "| `QA_K` | `-k` |" in text
