"""The `qa` command. Flags override `QA_*` environment variables, which override defaults."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import qa  # noqa: F401  (sets the offline environment first)
from qa.config import Settings
from qa.text import count

if TYPE_CHECKING:
    from qa.schema import IngestReport
    from qa.service import QAService

_EPILOG = """\
examples:
  qa ingest                          index ./corpus (only new or changed files are embedded)
  qa add https://example.org/news/story   add an article by its URL (kept in ./corpus, indexed)
  qa ask "Who made which offer?"     answer with quoted, cited sentences
  qa ask --json "Who is Bukele?"     the same as JSON, with citation offsets
  qa who --doc article.txt           who said what, with character offsets
  qa eval questions.jsonl --out answers.jsonl
  qa serve                           the web chat on http://127.0.0.1:7860

How an answer is chosen: the question's passages are found by meaning (the embedding model) and
by words (BM25); every sentence of them is scored by a fitted blend, the best few are reordered by a
learned order and by a small learned reader (a cross-encoder that reads the question with each
sentence); one fitted evidence score against one threshold says "not found" when the documents
do not answer; the short answer is picked among the names, dates, places and numbers of the best
sentences by rules and a learned ranker (weighing, in the sentence it chooses, where a learned span
extractor finds the answer), or, for any other question, by that extractor when it is sure
enough; the reply quotes the chosen sentences with exact citations.

Every setting can also come from an environment variable (--index is QA_INDEX_DIR, --corpus is
QA_CORPUS_DIR, -k is QA_K, ...); a flag given on the command line wins. `COMMAND --help` lists the
settings each command takes.
"""

_FLAGS: dict[str, tuple[str, type, str]] = {
    "corpus_dir": ("--corpus", Path, "folder of documents (QA_CORPUS_DIR, default ./corpus)"),
    "index_dir": ("--index", Path, "index folder (QA_INDEX_DIR, default ./.qa-index)"),
    "chroma_url": ("--chroma-url", str, "Chroma server URL instead of a local index (QA_CHROMA_URL)"),
    "model": ("--model", str, "embedding model, a packaged name or a folder (QA_MODEL)"),
    "chunk_size": ("--chunk-size", int, "characters per passage (QA_CHUNK_SIZE)"),
    "chunk_overlap": ("--chunk-overlap", int, "characters shared by passages (QA_CHUNK_OVERLAP)"),
}
# Only the commands that answer questions take these.
_ANSWER_FLAGS: dict[str, tuple[str, type, str]] = {
    "k": ("-k", int, "passages retrieved per question (QA_K)"),
    "abstain_threshold": (
        "--abstain-threshold",
        float,
        "evidence below this is 'not found' (QA_ABSTAIN_THRESHOLD)",
    ),
}


def _common(parser: argparse.ArgumentParser, *, answers: bool = False) -> None:
    """The settings flags: where the documents and the index are (every command keeps the index
    up to date first), and with `answers` how questions are answered."""
    group = parser.add_argument_group("settings")
    for dest, (flag, kind, help_text) in {**_FLAGS, **(_ANSWER_FLAGS if answers else {})}.items():
        group.add_argument(flag, dest=dest, type=kind, default=None, help=help_text)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} questions: give at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description=(
            "Ask questions about your documents and get short answers quoting them, with citations. Runs offline."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", help="bring the index up to date with the corpus folder")
    _common(ingest)
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    add = sub.add_parser("add", help="add articles by their URLs: fetched, kept in the corpus folder, indexed")
    _common(add)
    add.add_argument("urls", nargs="+", metavar="URL", help="an article's http(s) URL")

    ask = sub.add_parser("ask", help="answer one question from the indexed documents")
    _common(ask, answers=True)
    ask.add_argument("question", help="the question, in plain language")
    ask.add_argument("--json", action="store_true", help="print the answer and citations as JSON")
    ask.add_argument("--no-sync", action="store_true", help="do not update the index first")

    who = sub.add_parser("who", help="list who said, offered or announced what, with offsets")
    _common(who)
    who.add_argument("--doc", help="only this document (a name as `qa ask` cites it)")
    who.add_argument("--json", action="store_true", help="print the attributions as JSON")
    who.add_argument("--no-sync", action="store_true", help="do not update the index first")

    ev = sub.add_parser("eval", help="answer a question file and print accuracy, hits and latency")
    _common(ev, answers=True)
    ev.add_argument("file", type=Path, help="JSON Lines questions (id, question, answers, ...)")
    ev.add_argument("--out", type=Path, help="write one JSON line per question here")
    ev.add_argument("--sample", type=_positive, help="a fixed random sample of this many questions")
    ev.add_argument("--seed", type=int, default=0, help="seed for --sample (default 0)")

    serve = sub.add_parser("serve", help="start the web chat (same as `python app.py`)")
    _common(serve, answers=True)
    serve.add_argument("--host", default=None, help="address to bind (QA_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (QA_PORT, default 7860)")
    serve.add_argument(
        "--allowed-hosts",
        default=None,
        help="more Host names to answer to, comma-separated, e.g. qa.example.org (QA_ALLOWED_HOSTS; "
        "loopback names always are)",
    )
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in vars(args).items() if k in Settings.model_fields and v is not None}
    return Settings(**overrides)


def _print_answer(answer: Any) -> None:
    print(answer.text)
    for c in answer.citations:
        where = f"page {c.page}" if c.page else f"chars {c.start}-{c.end}"
        source = " · ".join(p for p in (c.outlet, c.date, c.title) if p)
        print(f"  [{c.n}] {source + ' — ' if source else ''}{c.doc}, {where}")
        if c.url:
            print(f"      {c.url}")


def _summary(report: IngestReport) -> str:
    """One line on what `qa ingest` did, passages counted as the index holds them."""
    change = (
        f"{count(report.added, 'passage')} added, {report.deleted:,} removed"
        if report.added or report.deleted
        else "nothing changed"
    )
    return f"{count(report.documents, 'document')}, {count(report.chunks, 'passage')} in the index ({change})"


def _sync(service: QAService, show_bar: bool, list_skipped: bool = True) -> IngestReport:
    """Bring the index up to date, saying on stderr which files were skipped and why; before an
    answer only how many (they are tried, and would be listed, at every question otherwise)."""
    report = service.sync(show_bar=show_bar)
    if list_skipped:
        messages = report.messages()
    else:
        messages = [f"note: {n}" for n in report.notes]
        if report.problems:
            files = count(len(report.problems), "file")
            messages.append(f"note: {files} in the corpus could not be read ('qa ingest' says why)")
    for message in messages:
        print(message, file=sys.stderr)
    return report


def _add(service: QAService, urls: list[str]) -> int:
    """`qa add URL...`: each article added (or found already there), or why not; a feed's items
    alike; exit 2 when any was refused."""
    from qa.service import BadRequest

    refused = 0
    for url in urls:
        try:
            name, report = service.add_url(url)
        except BadRequest as exc:
            print(f"qa: not added: {exc}", file=sys.stderr)
            refused += 1
            continue
        for problem in report.problems:  # a feed's items that were not added
            print(f"qa: not added: {problem}", file=sys.stderr)
        refused += bool(report.problems)
        if report.notes or report.problems:
            for note in report.notes:
                print(note)
            continue
        meta = next((d.meta for d in service.documents() if d.name == name), None)
        print(f"{name}: {meta.label(name) if meta else name} ({count(report.added, 'passage')} indexed)")
    return 2 if refused else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
    except ValueError as exc:
        print(f"qa: invalid setting: {exc}", file=sys.stderr)
        return 2
    from qa.index.embeddings import ModelNotInstalled
    from qa.index.store import StoreUnavailable
    from qa.index.sync import CorpusMissing
    from qa.service import BadRequest, QAService

    try:
        if args.command == "serve":
            from qa.ui.app import serve

            return serve(settings)
        service = QAService(settings)
        if args.command == "ingest":
            report = _sync(service, show_bar=not args.quiet)
            print(_summary(report))
            return 0
        if args.command == "add":
            return _add(service, args.urls)
        if args.command == "ask":
            if not args.no_sync:
                if settings.corpus_dir.is_dir():
                    _sync(service, show_bar=sys.stderr.isatty(), list_skipped=False)
                else:
                    missing = f"qa: no corpus folder {settings.corpus_dir}: answering from the index as it is"
                    print(missing, file=sys.stderr)
            answer = service.ask(args.question)
            if args.json:
                print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
            else:
                _print_answer(answer)
            if answer.error:
                hint = f"add documents to {settings.corpus_dir} and run `qa ingest`"
                print(f"qa: {answer.error}: {hint}", file=sys.stderr)
                return 1
            return 0
        if args.command == "who":
            from qa.attribute.table import format_table

            if not args.no_sync and settings.corpus_dir.is_dir():
                _sync(service, show_bar=sys.stderr.isatty(), list_skipped=False)
            found = service.attributions(args.doc)
            if args.json:
                print(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2))
            else:
                print(format_table(found))
            return 0
        if args.command == "eval":
            from qa.evaluate.run import QuestionFileError, evaluate, load_items

            try:
                items = load_items(args.file, args.sample, args.seed)
            except QuestionFileError as exc:
                print(f"qa: {exc}", file=sys.stderr)
                return 2
            if args.out is not None and not args.out.parent.is_dir():
                print(f"qa: --out {args.out}: no folder {args.out.parent}", file=sys.stderr)
                return 2
            _sync(service, show_bar=True)
            summary = evaluate(service, items, args.out)
            print(json.dumps(summary, indent=2))
            return 0
    except BadRequest as exc:
        print(f"qa: {exc}", file=sys.stderr)
        return 2
    except (CorpusMissing, ModelNotInstalled, StoreUnavailable) as exc:
        print(f"qa: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # an index path that is a file, a folder that cannot be written, a full disk
        print(f"qa: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Passages of files indexed before the interruption are kept; the others are read again next time.
        print("\nqa: interrupted", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
