"""One settings object: defaults, overridden by `QA_*` environment variables, then CLI flags."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def model_name_key(model: str, prefix: str = "") -> str:
    """`prefix` + the model's name as ASCII letters, digits and dashes, at most 60 characters and
    different for every model (Chroma collections and the ONNX export are named with it)."""
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in model.lower()).strip("-")
    name = f"{prefix}{slug}"
    if len(name) > 60 or slug != model.lower():
        # Cut names still differ per model, and Chroma wants ASCII ending in a letter or digit.
        digest = hashlib.sha256(model.encode()).hexdigest()[:10]
        name = f"{name[:49].rstrip('-')}-{digest}"
    return name


def encoder_key(model: str, int8: bool) -> str:
    """What names an index's vectors: the model, and whether an int8 copy of it embedded them
    (its vectors are close to the model's, not equal, so they never share an index)."""
    return f"{model}#int8" if int8 else model


class AnswerWeights(BaseModel):
    """How the answer sentence and the short answer are chosen, beyond the fitted weights.

    Every retrieved sentence is scored by a blend fitted on squad-dev (qa/answer/sentence_blend.json,
    bench/fit_blend.py); these choose what is done with that score. Set with QA_ANSWER__...=...
    """

    second_margin: float = 3.0
    # A further quote that does not fit whole is cut to the room left, if at least this much room
    # is left and the cut keeps this many characters and one of the question's words (squad-dev
    # "reply holds the answer" 0.797 -> 0.806 at 60, with 3 quotes 0.811; once quotes were cut
    # around the question's words, 40 beat 60: 0.8478 -> 0.8498; 30 and 50 no better). A sentence
    # quoted for the short answer's full name needs the same room, whatever its cut holds.
    min_quote_chars: int = 40
    typed_margin: float = 1.0
    # The short answer is chosen among the options of the best three sentences by the weights of
    # qa/answer/span_ranker.json (bench/train_rankers.py). On squad-dev articles held out of the
    # fit, typed short answers hold a gold answer 0.660 of the time (two splits), against 0.614 by
    # the rules of span.py alone (what this switch off gives).
    learned_spans: bool = True
    # A short answer for the questions the rules give none for (what, which, why, how ...): the
    # learned extractor's span in the chosen sentence, when it clears its fitted bar
    # (qa/answer/extractor_gate.json). Off, those questions are answered by the quote alone.
    learned_short: bool = True
    # The best twelve sentences are put in the order of qa/answer/sentence_order.json
    # (bench/train_rankers.py), but for the first place, which another takes only by a clear margin;
    # off, they stay in the order of the blend above. Squad-dev "reply holds the answer" 0.818 -> 0.836.
    learned_order: bool = True
    # The learned reader (a cross-encoder, qa/models/reader) reorders the best few sentences with
    # the learned order (weights: qa/answer/reader_mix.json).
    reader: bool = True
    gap_cost: float = 0.6
    keep_gap: int = 0


# Padded tokens per embedding batch (the setting's default, and the encoder's when called alone).
EMBED_BATCH_TOKENS = 512


class Settings(BaseSettings):
    """Everything tunable lives here so no module hides its own constants."""

    model_config = SettingsConfigDict(
        env_prefix="QA_", extra="ignore", env_nested_delimiter="__", env_parse_none_str="none"
    )

    corpus_dir: Path = Field(Path("corpus"), description="folder of documents to answer from")
    index_dir: Path = Field(Path(".qa-index"), description="where the Chroma index is kept")
    chroma_url: str | None = Field(None, description="use a Chroma server (http://127.0.0.1:PORT) instead of index_dir")
    model: str = Field("all-MiniLM-L6-v2", description="packaged sentence-transformers model")
    onnx: bool = Field(
        True,
        description="embed with an ONNX export of the model, made once per index and checked against "
        "the model: answering never loads torch (much faster start), and indexing is not stalled "
        "by the index writer",
    )
    int8: bool = Field(
        True,
        description="embed with an int8-quantised copy of the ONNX export (made from it once, checked against "
        "the model): faster indexing and questions, vectors close to the model's; an index of its own, like "
        "another model's (needs onnx)",
    )
    encoder_dir: Path | None = Field(
        None,
        description="where the ONNX export (about 90 MB) is kept; indexes of one model can share a "
        "folder (default: <index_dir>/encoder)",
    )
    encoder_cache: Path | None = Field(
        Path("~/.cache/qa/encoders"),
        description="where ONNX exports are made once per machine and copied from into each index's encoder "
        "folder, so a new index needs neither torch nor the 4-5 s export (none: no cache, each index makes its own)",
    )
    embed_batch_size: int = Field(
        16,
        ge=1,
        description="texts per embedding batch of the torch model, used without the ONNX export (on 2 CPU "
        "cores, 1,200 squad-dev texts took 18.2-18.9 s in batches of 8-16, 20.1 s of 32, 20.2-23.1 s of 64, "
        "24.3 s of 128)",
    )
    embed_batch_tokens: int = Field(
        EMBED_BATCH_TOKENS,
        ge=1,
        description="padded tokens per embedding batch of the ONNX export: texts are sorted by token count, so "
        "short sentences go many to a batch and full-length passages two; a batch this small keeps the "
        "layers' activations in each core's cache (squad-dev's texts on 2 cores: a third less CPU than "
        "batches of 4,096 tokens)",
    )
    index_batch_size: int = Field(
        1024,
        ge=1,
        description="texts (of one or more files) indexed together; the encoder sorts them by "
        "length so its batches pad less (memory stays bounded by this)",
    )
    chunk_size: int = Field(1500, ge=100, description="maximum characters per passage")
    chunk_overlap: int = Field(0, ge=0, description="characters shared by neighbouring passages")
    duplicate_cosine: float = Field(
        0.97, description="passages this similar (and sharing duplicate_words of their words) count once"
    )
    duplicate_words: float = Field(0.8, description="share of words two near-duplicate passages have in common")
    k: int = Field(5, ge=1, le=50, description="passages returned per question")
    w_passage_dense: float = Field(1.9, description="blend weight: passage cosine")
    w_sentence_dense: float = Field(0.6, description="blend weight: best sentence cosine in the passage")
    w_passage_bm25: float = Field(1.0, description="blend weight: passage BM25 (normalized)")
    w_sentence_bm25: float = Field(1.0, description="blend weight: best sentence BM25 in the passage")
    w_document_bm25: float = Field(1.0, description="blend weight: the passage's document BM25")
    w_answer_bm25: float = Field(0.5, description="sentence order inside a passage: cosine + this x BM25")
    answer: AnswerWeights = Field(default_factory=AnswerWeights, description="answer sentence choice")
    max_citations: int = Field(3, ge=1, le=10, description="quoted sentences per answer")
    answer_chars: int = Field(
        300, ge=80, description="guide for the answer's own text (a quote is never cut mid-phrase to keep to it)"
    )
    abstain_threshold: float | None = Field(
        None,
        description="evidence (a logit) under which the reply is 'not found', lowered in a small corpus "
        "(none: the one fitted with the weights, in qa/answer/abstention.json)",
    )
    abstain_unknown_name: float | None = Field(
        None,
        description="the same, for a question naming something (a capitalised word) the documents never contain "
        "(none: the fitted one)",
    )
    abstain_nameless: float | None = Field(
        None,
        description="the same, for a question naming nothing (no capitalised word past its first) the documents "
        "contain, whose common words can match any text on the subject (none: the fitted one, if any)",
    )
    abstention_file: Path | None = Field(
        None,
        description="fitted abstention weights and bars to use instead of the packaged "
        "qa/answer/abstention.json (written by bench/fit_abstention.py)",
    )
    inventory_sentences: int = Field(
        2000,
        ge=1,
        description="sentences of a document read for 'which countries are mentioned?' (from its start)",
    )
    max_question_chars: int = Field(2000, ge=10, description="longer questions are refused")
    max_history_turns: int = Field(
        200, ge=0, description="a conversation sent with a question (the API's history) longer than this is refused"
    )
    max_history_chars: int = Field(
        20_000, ge=10, description="a history entry (an earlier question or answer) longer than this is refused"
    )
    max_file_mb: float = Field(50.0, gt=0, description="larger corpus files are skipped")
    max_text_chars: int = Field(
        10_000_000,
        ge=1,
        description="files giving more characters of text than this are skipped (about 4,000 pages; "
        "indexing that much takes hours on two cores)",
    )
    max_chars_per_byte: float = Field(
        10.0,
        gt=0,
        description="files giving more characters of text than this per byte of the file are skipped: a "
        "PDF of text compresses about 3:1, while a hostile one of 15 KB unpacked to 1.65 M characters (a "
        "PDF's drawing operations count alike, and its page content at a tenth of a character a byte)",
    )
    max_html_depth: int = Field(
        512,
        ge=1,
        description="HTML files whose elements nest deeper than this are skipped (real pages nest a few dozen levels)",
    )
    fetch_allow_private: bool = Field(
        False,
        description="pages added by URL may come from loopback and private network addresses (an intranet); "
        "off, a URL whose host resolves to one, or redirects to one, is refused (cloud metadata addresses "
        "always are)",
    )
    fetch_timeout: float = Field(
        15.0, gt=0, description="seconds a page added by URL may take to arrive, redirects included"
    )
    fetch_max_mb: float = Field(5.0, gt=0, description="larger pages are not added by URL")
    fetch_max_redirects: int = Field(5, ge=0, le=20, description="redirects followed when a page is added by URL")
    feed_max_items: int = Field(50, ge=1, description="items of an RSS or Atom feed added by URL that are read")
    watch_seconds: float = Field(
        5.0,
        ge=0,
        description="how often the web app looks for files added to, changed in or removed from the "
        "corpus folder and indexes them (0: only at start and on upload)",
    )
    upload_cache_seconds: int = Field(
        3600,
        ge=0,
        description="uploads the page never handled (a page closed mid-upload, a file sent to the upload "
        "route alone) are deleted from Gradio's cache folder once this old; handled ones at once (0: never)",
    )
    host: str = Field("127.0.0.1", description="address the web app binds to")
    port: int = Field(7860, ge=0, le=65535, description="port the web app serves on")
    auth: str | None = Field(None, description="user:password to require a login in the app")
    allowed_hosts: str = Field(
        "",
        description="more Host names the web app answers to, comma-separated (name, or name:port; '*' any): "
        "the names it is reached by on a network or behind a proxy. The loopback names at its port, and "
        "the address it is bound to, always are; requests for other names are refused (DNS rebinding)",
    )
    read_timeout: float = Field(
        10.0,
        gt=0,
        description="seconds a client has to send a request's headers, and the longest pause within its body, "
        "before the web app closes the connection",
    )
    keep_alive_timeout: float = Field(5.0, gt=0, description="seconds the web app keeps an idle connection open")
    kept_turns: int = Field(
        30,
        ge=0,
        description="questions and answers of a chat the browser keeps, so reloading the page shows them "
        "again (0: a reload starts a new chat)",
    )
    threads: int = Field(
        2,
        ge=1,
        description="CPU threads for the encoder and the reader, and for scoring a large index; from 2, "
        "what an answer needs after the reader's say is prepared on a second thread while it reads",
    )
    parallel_rows: int = Field(
        20_000,
        ge=1,
        description="vectors from which one question's dense scoring uses `threads` BLAS threads "
        "(below it the vectors sit in cache and one thread is as fast; above it memory reads bound it)",
    )

    ann_ef: int = Field(
        400,
        ge=1,
        description="breadth of the search in Chroma's HNSW index (its ef_search): higher finds the true "
        "nearest sentences more often, at some cost in time; set on the collections when the index is opened",
    )
    ann_candidates: int = Field(100, ge=1, description="nearest sentences asked of the HNSW index")

    def collection_name(self, kind: str) -> str:
        """Tie each collection to the model so a model switch never mixes vectors."""
        return model_name_key(encoder_key(self.model, self.int8 and self.onnx), f"{kind}-")
