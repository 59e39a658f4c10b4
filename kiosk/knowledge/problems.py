"""Collecting a pack's problems, so they can all be reported at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from kiosk.errors import PackError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""Pack and entry ids: lowercase ascii, digits and dashes."""


class Problems:
    """Collects problems of one pack and raises them together."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[str] = []

    def add(self, where: str, what: str, fix: str) -> None:
        self.items.append(f"{where}: {what} — {fix}")

    def reject_unknown(self, keys: Iterable[str], allowed: tuple[str, ...],
                       where: Callable[[str], str], what: str = "unknown key") -> None:
        """One problem per key not in `allowed`, with the closest allowed one as the fix."""
        for key in keys:
            if key not in allowed:
                self.add(where(key), f"{what} {key!r}", did_you_mean(key, allowed))

    def raise_if_any(self) -> None:
        if self.items:
            count = len(self.items)
            raise PackError(
                f"knowledge pack {self.root} has {count} problem{'s' * (count > 1)}:\n  "
                + "\n  ".join(self.items),
                hint="edit the files named above, then run the command again",
            )


def did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    """A hint naming the closest allowed word, or listing them all."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(choices)}"
