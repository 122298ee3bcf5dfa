"""A progress bar per large file (its pieces committed), under the run's bar of bytes."""

from __future__ import annotations

from tqdm import tqdm

from qa.index.resume import Piece


class FileBars:
    """One bar for each file indexed in more than one piece, from open to its last piece."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bars: dict[str, tqdm] = {}  # type: ignore[type-arg]

    def open(self, name: str, pieces: int, done: int) -> None:
        if self._enabled and pieces > 1:
            self._bars[name] = tqdm(total=pieces, initial=done, desc=name[-40:], unit="piece", position=1, leave=False)

    def committed(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            bar = self._bars.get(piece.name)
            if bar is not None:
                bar.update(1)
                if piece.last:
                    bar.close()
                    del self._bars[piece.name]

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()
