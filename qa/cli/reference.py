"""docs/settings.md, generated from the settings object and the command line, so it cannot drift.

    .venv/bin/python -m qa.cli.reference > docs/settings.md
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from qa.config import Settings
from qa.config.settings import SettingsConfigDict

_HEAD = """# Settings

Every setting comes from an environment variable (`QA_` and its name in capitals; a nested one
joins its parts with `__`), and some also from a flag of the `qa` command (`app.py` takes the flags
of `qa serve`). A flag wins over the variable, and the variable over the default.

Generated from `qa/config/settings.py` by `python -m qa.cli.reference > docs/settings.md`; a test
fails when this file is stale.

| variable | flag | default | what it is |
|---|---|---|---|
"""


def _flags() -> dict[str, list[str]]:
    """Each settings field's command-line flags (by argparse `dest`), over every subcommand."""
    from qa.cli.main import build_parser

    found: dict[str, list[str]] = {}

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)
            elif action.option_strings:
                flags = found.setdefault(action.dest, [])
                flags += [f for f in action.option_strings if f not in flags]

    walk(build_parser())
    return found


def _default(field: FieldInfo) -> str:
    value: Any = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return ""
    return "none" if value is None else f"`{value}`"


def _rows(model: type[BaseModel], prefix: str, flags: dict[str, list[str]], part_of: str = "") -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        env = f"{prefix}{name.upper()}"
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            rows += _rows(kind, f"{env}__", flags, field.description or name)
            continue
        flag = ", ".join(f"`{f}`" for f in flags.get(name, [])) if prefix == "QA_" else ""
        where = f"{part_of}: `{name}` (see {model.__name__} in qa/config/settings.py)" if part_of else ""
        what = field.description or where
        what = " ".join(what.split()).replace("|", "\\|")
        rows.append(f"| `{env}` | {flag} | {_default(field)} | {what} |")
    return rows


def settings_reference() -> str:
    """The whole of docs/settings.md."""
    config: SettingsConfigDict = Settings.model_config
    prefix = str(config.get("env_prefix", "QA_"))
    return _HEAD + "\n".join(_rows(Settings, prefix, _flags())) + "\n"


if __name__ == "__main__":
    sys.stdout.write(settings_reference())
