"""The page's documents panel (list, upload, remove, index progress) and its "who said what" panel."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from qa.text import count
from qa.ui.base import PageBase, bad_request, notes_md, why
from qa.ui.render import attribution_source_html, attributions_html, documents_html, esc
from qa.ui.uploads import discard_upload

if TYPE_CHECKING:
    from qa.attribute.model import Attribution

log = logging.getLogger(__name__)

EMPTY_WHO_SOURCE = '<div class="qa-who-source qa-empty">“Show source” marks the statement in its document here.</div>'

# Gradio injects progress tracking when a handler's default is a gr.Progress instance.
_PROGRESS = gr.Progress()


class LibraryPanel(PageBase):
    """Handlers of the documents and "who said what" panels."""

    def documents_panel(self) -> tuple[str, Any]:
        """The documents table and the removal choices."""
        if not self.status.done:
            # The list is about to change (and at start-up, before the catalog is loaded, asking
            # for it would wait for the whole update); the page asks again when it is done.
            return '<div class="qa-docs qa-empty">The index is being updated…</div>', gr.update()
        try:
            docs = self.service.documents()
        except Exception as exc:
            log.exception("listing documents failed")
            return f'<div class="qa-docs">Could not list documents: {type(exc).__name__}</div>', gr.update()
        return documents_html(docs), gr.update(choices=[d.name for d in docs], value=None)

    def tick(self, seen: int = -1) -> tuple[Any, ...]:
        """Progress of an index update; once one has finished, the documents this page lists (`seen`:
        the update they come from; files added to the corpus folder are indexed while it is open).
        Nothing is sent while nothing changed, so a choice being made is not reset."""
        generation = self.status.generation
        if self.status.done and seen == generation:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen
        table, choices = self.documents_panel()
        return self.status_line(), table, choices, who_choices(choices), generation if self.status.done else seen

    def status_line(self) -> str:
        """Start-up progress, then what the index holds now (uploads and removals change it)."""
        if not self.status.done or self.status.error or self._service is None:
            return self.status.markdown()
        try:
            docs = self.service.documents()
        except Exception:
            log.exception("listing documents failed")
            return self.status.markdown()
        held = f"{count(len(docs), 'document')}, {count(sum(d.chunks for d in docs), 'passage')} indexed"
        return f"**Ready:** {held}"

    def upload(
        self, files: list[str] | None, progress: gr.Progress = _PROGRESS
    ) -> tuple[str, str, Any, Any, None, str]:
        """Add uploaded files to the corpus and index them now, with progress in the page."""
        notes: list[str] = []
        for path in files or []:
            filename = Path(path).name
            try:
                data = Path(path).read_bytes()
                name, report = self.service.add_document(filename, data, progress=lambda f, msg: progress(f, desc=msg))
            except bad_request() as exc:  # its message names the file
                gr.Warning(str(exc))
                notes.append(f"not added: {exc}")
                continue
            except Exception as exc:
                log.exception("upload of %s failed", filename)
                failed = f"{filename}: indexing failed ({why(exc)}); nothing of it was kept, upload it again"
                gr.Warning(failed)
                notes.append(f"not added: {failed}")
                continue
            finally:
                discard_upload(path)  # the corpus holds the file now, or it was refused
            self._forget(name)
            if report.problems:
                notes.append("not added: " + "; ".join(report.problems))  # each names its file
            else:  # kept under another name, or a copy of a document already there, else plainly added
                notes.extend(report.notes or [f"{name} indexed"])
        table, choices = self.documents_panel()
        return notes_md(notes), table, choices, who_choices(choices), None, self.status_line()

    def add_url(self, url: str | None, progress: gr.Progress = _PROGRESS) -> tuple[str, str, Any, Any, Any, str]:
        """Fetch the article at `url` into the corpus and index it, with progress in the page; the
        box is emptied once it is added (a refused URL stays, to be corrected)."""
        url = (url or "").strip()
        box: Any = gr.update()
        if not url:
            notes = ["type or paste an article's URL (https://...)"]
        else:
            try:
                result = self.api_add_url(url, lambda f, msg: progress(f, desc=msg))
            except bad_request() as exc:  # the message names the URL
                gr.Warning(str(exc))
                notes = [f"not added: {exc}"]
            except Exception as exc:
                log.exception("adding %s failed", url[:200])
                gr.Warning(f"{url[:200]}: adding failed ({why(exc)})")
                notes = [f"not added: {url[:200]}: adding failed ({why(exc)})"]
            else:
                notes, box = result["notes"] + [f"not added: {p}" for p in result["problems"]], ""
        table, choices = self.documents_panel()
        return notes_md(notes), table, choices, who_choices(choices), box, self.status_line()

    def api_add_url(self, url: str, progress: Any = None) -> dict[str, Any]:
        """Add the article at `url` (the page's URL box and `POST /v1/documents`): the document's
        name (a feed's title), whether anything was added (False: it was already there), notes,
        the feed items not added and why (`problems`), and the document's metadata. BadRequest
        (its message for the user) when the URL or the page is refused."""
        name, report = self.service.add_url(url, progress=progress)
        self._forget()
        source = next((d.meta for d in self.service.documents() if d.name == name), None)
        indexed = [f"{name} indexed" + (f": {source.label(name)}" if source else "")]
        notes = report.notes or ([] if report.problems else indexed)
        return {
            "name": name,
            "added": report.added > 0,
            "notes": notes,
            "problems": report.problems,
            "source": source.to_dict() if source else {},
        }

    def remove(self, name: str | None, who_picked: str | None = None) -> tuple[Any, ...]:
        """Delete a document from the corpus and its passages from the index; when its statements
        are the ones shown under "Who said what", that panel is emptied too."""
        if not name:
            gr.Warning("choose a document to remove")
            table, choices = self.documents_panel()
            note = notes_md(["choose a document to remove"])
            return note, table, choices, who_choices(choices), self.status_line(), *(gr.skip(),) * 3
        try:
            self.service.remove_document(name)
            note = f"{name} removed (the file is kept in {self.service.removed_dir / name})"
        except bad_request() as exc:
            gr.Warning(str(exc))
            note = f"not removed: {name}: {exc}"
        except Exception as exc:
            log.exception("removing %s failed", name)
            gr.Warning(f"{name}: removal failed ({why(exc)})")
            note = f"not removed: {name}: removal failed ({why(exc)})"
        self._forget(name)
        table, choices = self.documents_panel()
        who_doc, who_panel = who_choices(choices), (gr.skip(),) * 3
        listed = choices.get("choices") if isinstance(choices, dict) else None  # None: listing failed
        if who_picked == name and (listed is None or name not in listed):
            who_doc = gr.update(choices=listed, value=None) if listed is not None else gr.update(value=None)
            who_panel = self.who(None)
        return notes_md([note]), table, choices, who_doc, self.status_line(), *who_panel

    def _documents(self) -> list[Any]:
        try:
            return list(self.service.documents())
        except Exception:
            log.exception("listing documents failed")
            return []


    # --- who said what ---------------------------------------------------------------------

    def who(self, doc: str | None) -> tuple[str, list[Attribution], str]:
        """The table of a document's attributed statements, and the statements for the row links."""
        if not doc:
            return attributions_html(None, []), [], EMPTY_WHO_SOURCE
        try:
            found = self.service.attributions(doc)
        except bad_request() as exc:
            gr.Warning(str(exc))
            return f'<div class="qa-who qa-empty">{esc(str(exc))}</div>', [], EMPTY_WHO_SOURCE
        except Exception as exc:
            log.exception("attributions of %s failed", doc)
            return (
                f'<div class="qa-who qa-empty">Could not read who said what ({type(exc).__name__}).</div>',
                [],
                EMPTY_WHO_SOURCE,
            )
        return attributions_html(doc, found), found, EMPTY_WHO_SOURCE

    def who_source(self, value: str, found: list[Attribution]) -> str:
        """A "Show source" link (`qa-who-I`) was clicked: the statement marked in its document."""
        key = (value or "").split("|", 1)[0]
        if not key.startswith("qa-who-"):
            return gr.skip()
        try:
            a = found[int(key.removeprefix("qa-who-"))]
        except (IndexError, ValueError):
            return gr.skip()
        text = self._doc_text(a.doc)
        if text is None:
            return '<div class="qa-who-source">Cannot open this document now.</div>'
        return attribution_source_html(a, text)


def who_choices(choices: Any) -> Any:
    """The remove dropdown's update, for the who-said-what dropdown: new choices, the pick kept."""
    if isinstance(choices, dict) and "choices" in choices:
        return gr.update(choices=choices["choices"])
    return gr.update()


def chosen(name: str | None) -> Any:
    """The Remove button, usable once a document is chosen."""
    return gr.update(interactive=bool(name))


