"""Quality on the project's own news questions (tests/data/news-qa), alone and beside other articles.

Seven short news articles written for this repository (invented outlets, people and events) and
75 questions about them: 20 development questions (`dev.jsonl`, looked at while working) and 55
kept unseen (`unseen.jsonl`: only their totals are printed and kept, never their answers, so they
stay a held-out check). About a fifth of each set cannot be answered from the articles. They are
asked of two corpora: the seven articles with the seed article, and those with the 24 squad-dev
articles beside them; the dev set's answers are written to bench/out for reading.

A third set, `tests/data/news-headed` (four articles with subheadings, as web articles have them, and
40 questions, written by a helper who did not see the answer layer), is asked of its own articles
and beside the squad-dev articles; like the unseen set only its totals are printed. So is a fourth,
`tests/data/article-unseen` (40 questions about the seed article, written by a helper that saw
neither the answer layer nor the article's dev questions), asked of the article alone and of the
two corpora above.

    .venv/bin/python bench/news_bench.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from common import CORPUS, OUT, REPO, corpus_settings, save

from qa.evaluate.run import evaluate, load_items
from qa.service import QAService

NEWS = REPO / "tests" / "data" / "news-qa"
HEADED = REPO / "tests" / "data" / "news-headed"
ARTICLE_UNSEEN = REPO / "tests" / "data" / "article-unseen" / "questions.jsonl"
ARTICLE = REPO / "corpus" / "el-salvador-deportation-offer.txt"
KEPT = ("questions", "right", "answer_accuracy", "abstention_accuracy", "refused_answerable", "short_answer_right")


def service_for(name: str, files: list[Path]) -> QAService:
    service = QAService(corpus_settings(f"news-{name}", files))
    service.sync(show_bar=False)
    return service


def ask(service: QAService, questions: Path, out: Path | None = None) -> dict[str, Any]:
    """One question set; only the dev set's answers are written (`out`)."""
    summary = evaluate(service, load_items(questions), out)
    return {k: summary.get(k) for k in KEPT}


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    news = sorted((NEWS / "corpus").glob("*.txt"))
    corpora = {"news": [*news, ARTICLE], "beside-squad": [*news, ARTICLE, *sorted(CORPUS.glob("*.txt"))]}
    result: dict[str, Any] = {}
    for name, files in corpora.items():
        service = service_for(name, files)
        result[f"dev, {name}"] = ask(service, NEWS / "dev.jsonl", OUT / f"news-dev-{name}.jsonl")
        result[f"unseen, {name}"] = ask(service, NEWS / "unseen.jsonl")
        result[f"article unseen, {name}"] = ask(service, ARTICLE_UNSEEN)
    result["article unseen, alone"] = ask(service_for("article", [ARTICLE]), ARTICLE_UNSEEN)
    headed = sorted((HEADED / "corpus").glob("*.txt"))
    for name, files in {"headed": headed, "headed-beside-squad": [*headed, *sorted(CORPUS.glob("*.txt"))]}.items():
        result[f"headed, {name}"] = ask(service_for(name, files), HEADED / "questions.jsonl")
    save("news", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
