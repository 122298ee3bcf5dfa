"""Settings: defaults, QA_* environment variables, CLI flags on top, and the model-named collections."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from qa.cli.main import build_parser, main, settings_from
from qa.config import Settings

CHROMA_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$")


def test_defaults() -> None:
    settings = Settings()
    assert settings.corpus_dir == Path("corpus")
    assert settings.model == "all-MiniLM-L6-v2"
    assert settings.k >= 1 and settings.chunk_size >= 100


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QA_CORPUS_DIR", str(tmp_path / "docs"))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("QA_K", "7")
    monkeypatch.setenv("QA_CHUNK_SIZE", "400")
    monkeypatch.setenv("QA_ABSTAIN_THRESHOLD", "0.5")
    monkeypatch.setenv("QA_MODEL", "some-other-model")
    settings = Settings()
    assert settings.corpus_dir == tmp_path / "docs"
    assert settings.index_dir == tmp_path / "idx"
    assert (settings.k, settings.chunk_size, settings.abstain_threshold) == (7, 400, 0.5)
    assert settings.model == "some-other-model"


def test_cli_flags_override_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QA_K", "7")
    monkeypatch.setenv("QA_CORPUS_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("QA_CHUNK_SIZE", "400")
    args = build_parser().parse_args(["ask", "-k", "3", "--corpus", str(tmp_path / "from-flag"), "a question"])
    settings = settings_from(args)
    assert settings.k == 3
    assert settings.corpus_dir == tmp_path / "from-flag"
    assert settings.chunk_size == 400, "settings without a flag still come from the environment"


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError):
        Settings(k=0)
    with pytest.raises(ValidationError):
        Settings(chunk_size=10)
    monkeypatch.setenv("QA_K", "many")
    with pytest.raises(ValidationError):
        Settings()


def test_cli_reports_an_invalid_setting(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QA_K", "many")
    assert main(["ask", "--no-sync", "anything"]) == 2
    err = capsys.readouterr().err
    assert "invalid setting" in err and "k" in err


def test_collection_name_follows_the_model() -> None:
    default = Settings()
    other = Settings(model="paraphrase-MiniLM-L3-v2")
    for kind in ("chunks", "sentences"):
        assert default.collection_name(kind) != other.collection_name(kind)
        assert default.collection_name(kind).startswith(kind)
    assert default.collection_name("chunks") != default.collection_name("sentences")
    assert Settings(model="all-MiniLM-L6-v2", k=9).collection_name("chunks") == default.collection_name("chunks")


@pytest.mark.parametrize(
    "model",
    [
        "all-MiniLM-L6-v2",
        "/home/someone/models/sentence-transformers/all-MiniLM-L6-v2",
        "/home/someone/models/x-y-z-abc-long-name-of-my-model-fine/",
        "/srv/models/" + "a" * 200,
        "ünïcødé model",
    ],
)
def test_collection_names_are_valid_for_chroma(model: str) -> None:
    for kind in ("chunks", "sentences"):
        assert CHROMA_NAME.match(Settings(model=model).collection_name(kind)), Settings(model=model).collection_name(
            kind
        )


def test_long_model_paths_do_not_share_a_collection() -> None:
    """Two model folders differing only late in a long path must not mix vectors."""
    base = "/home/someone/projects/search/models/fine-tuned/sentence-transformers"
    first = Settings(model=f"{base}/minilm-v1").collection_name("sentences")
    second = Settings(model=f"{base}/minilm-v2").collection_name("sentences")
    assert first != second
