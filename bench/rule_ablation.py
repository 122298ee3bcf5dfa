"""Which hand-written answer rules earn their place: each switched off in turn, the rest as shipped.

Every rule below is one step of qa/answer (a filter of the short answer's options, a pool of
sentences for a kind of question, a reason to refuse); each run replaces it by "no rule" (the
options unfiltered, the pool whole, no refusal for that reason) and asks:
- a seeded sample of squad-dev's TEST articles (bench/split.py): reply holds a gold answer, hit@1,
  typed short answers right; and of squad2-dev's: unanswerable and answerable refused. The rules
  were written while earlier sessions looked at all of squad-dev, so for them these articles are
  not fully unseen: a rule that does not help even here does not generalise;
- the seed article's dev questions (article alone, and beside the CI gate's squad articles) and
  the project's own news dev questions (tests/data/news-qa, its articles and the seed article):
  looked at while rules were written;
- the news unseen questions (held-out: only each run's total is printed, never an answer). They
  hold the news question kinds these rules were written for (who won, how many now, whose, a role
  in another country, a place not given), which the SQuAD samples hardly contain.
The learned parts are switched off too, for scale. A rule whose removal costs nothing anywhere is
a candidate for deletion. Writes bench/out/rule_ablation.json and prints a table of differences
from the shipped product.

    .venv/bin/python bench/rule_ablation.py [--n 800] [--news-only] [--shipped-only]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import CORPUS, OUT, REPO, SQUAD, corpus_settings, save
from split import TEST, article_of

from qa.answer import chooser, intent, reading, refuse, span
from qa.config import Settings
from qa.evaluate.run import evaluate, load_items
from qa.service import QAService

NEWS = REPO / "tests" / "data" / "news-qa"
GATE = REPO / "tests" / "data" / "squad"
ARTICLE = REPO / "corpus" / "el-salvador-deportation-offer.txt"
DEV = REPO / "tests" / "data" / "article-dev.jsonl"


def _same(*args: Any) -> Any:
    return args[1]  # (doc, options, ...) -> options


# name -> (module, attribute, stand-in): each stand-in is "no rule" for that step.
RULES: dict[str, tuple[Any, str, Any]] = {
    "refuse: no date of the asked kind": (refuse, "date_missing", lambda *a: False),
    "refuse: no number for how many": (refuse, "_SPAN_REQUIRED", ()),
    "pool: sentences mentioning the asked role": (chooser, "mentions_role", lambda *a: False),
    "choice: the full name from another sentence": (chooser, "_full_name", lambda *a: None),
    "options: capacities kept apart": (span, "capacities", _same),
    "options: money for money questions": (span, "amounts", _same),
    "options: the holder of the asked role": (span, "holds_role", lambda *a: True),
    "options: what the asked preposition takes": (span, "objects_of", lambda prep, doc, options, spoken: options),
    "options: places and doers after the verb": (span, "after_verbs", lambda *a, **k: {}),
}
LEARNED = {
    "learned: short-answer ranker": {"learned_spans": False},
    "learned: sentence order": {"learned_order": False},
    "learned: reader": {"reader": False},
}


@contextmanager
def without(module: Any, name: str, stand_in: Any) -> Iterator[None]:
    kept = getattr(module, name)
    setattr(module, name, stand_in)
    clear()  # cached readings were made with the rule in place
    try:
        yield
    finally:
        setattr(module, name, kept)
        clear()


def clear() -> None:
    intent.read.cache_clear()
    reading.reading.cache_clear()


def sample(source: Path, target: Path, n: int, seed: int) -> Path:
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [line for line in lines if article_of(json.loads(line)["doc"]) in TEST]
    kept = random.Random(seed).sample(kept, min(n, len(kept)))
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


_SERVICES: dict[tuple[str, tuple[tuple[str, Any], ...]], QAService] = {}


def service(name: str, files: list[Path] | None, settings: dict[str, Any]) -> QAService:
    """One service per corpus and settings, opened once (the rules are switched in the modules)."""
    key = (name, tuple(sorted(settings.items())))
    if key not in _SERVICES:
        _SERVICES[key] = _open(name, files, settings)
    return _SERVICES[key]


def _open(name: str, files: list[Path] | None, settings: dict[str, Any]) -> QAService:
    if files is None:
        base = Settings(corpus_dir=CORPUS, index_dir=OUT / "index-1x")
    else:
        base = corpus_settings(f"ablation-{name}", files)
    answer = base.answer.model_copy(update=settings)
    made = QAService(base.model_copy(update={"answer": answer}))
    made.sync(show_bar=False)
    return made


def figures(sets: dict[str, Path], settings: dict[str, Any]) -> dict[str, Any]:
    got: dict[str, Any] = {}
    if sets:
        squad = evaluate(service("squad", None, settings), load_items(sets["squad"]), None)
        squad2 = evaluate(service("squad", None, settings), load_items(sets["squad2"]), None)
        got |= {
            "reply": squad["answer_accuracy"],
            "hit@1": squad["hit_at_1"],
            "typed": squad["short_answer_right_typed"],
            "unans refused": squad2["abstention_accuracy"],
            "ans refused": squad2["refused_answerable"],
        }
    dev = evaluate(service("article", [ARTICLE], settings), load_items(DEV), None)
    gate_files = [*sorted((GATE / "corpus").glob("*.txt")), ARTICLE]  # the CI gate's corpus
    beside = evaluate(service("article-beside", gate_files, settings), load_items(DEV), None)
    news_files = [*sorted((NEWS / "corpus").glob("*.txt")), ARTICLE]
    news = service("news", news_files, settings)
    news_dev = leads(news, NEWS / "dev.jsonl")
    unseen = leads(news, NEWS / "unseen.jsonl")
    return got | {
        "article dev": dev["right"],
        "article dev beside": beside["right"],
        "news dev": news_dev["right"],
        "news dev leads right / wrong": news_dev["leads"],
        "news unseen": unseen["right"],
        "news unseen leads right / wrong": unseen["leads"],
        "news unseen refused": unseen["refused"],
    }


def leads(service: QAService, questions: Path) -> dict[str, Any]:
    """Totals of one question set, with how many short answers lead right and how many lead wrong
    (a short answer given to an answerable question without its accepted answer, or to an
    unanswerable one). The answers go to a temporary file that is read for counts and deleted."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "answers.jsonl"
        summary = evaluate(service, load_items(questions), out)
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    items = {item.id: item for item in load_items(questions)}
    led = [r for r in rows if r["short_answer"] and not r["abstained"]]
    right = sum(bool(r["short_answer_right"]) for r in led)
    wrong = sum(not r["short_answer_right"] or not items[r["id"]].answerable for r in led)
    return {"right": summary["right"], "leads": f"{right} / {wrong}", "refused": summary["abstention_accuracy"]}


def difference(got: dict[str, Any], shipped: dict[str, Any], name: str) -> dict[str, Any]:
    row = {k: got[k] if isinstance(got[k], str) else round(got[k] - shipped[k], 4) for k in got}
    print(name, row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=800, help="questions sampled from each of squad-dev and squad2-dev")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--news-only", action="store_true", help="only the article and news question sets")
    parser.add_argument("--shipped-only", action="store_true", help="only the figures of the product as shipped")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sets = (
        {}
        if args.news_only
        else {
            "squad": sample(SQUAD / "questions.jsonl", OUT / "ablation-squad.jsonl", args.n, args.seed),
            "squad2": sample(
                SQUAD.parent / "squad2-dev" / "questions.jsonl", OUT / "ablation-squad2.jsonl", args.n, args.seed
            ),
        }
    )
    shipped = figures(sets, {})
    rows: dict[str, dict[str, Any]] = {"shipped": shipped}
    if args.shipped_only:
        print(json.dumps(shipped, indent=1))
        return
    for name, (module, attr, stand_in) in RULES.items():
        with without(module, attr, stand_in):
            rows[name] = difference(figures(sets, {}), shipped, name)
    for name, settings in LEARNED.items():
        rows[name] = difference(figures(sets, settings), shipped, name)
    name = "rule_ablation-news" if args.news_only else "rule_ablation"
    save(name, {"n": args.n, "seed": args.seed, "shipped": shipped, "without": rows})
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
