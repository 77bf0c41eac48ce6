"""Where one person stands in their current dialog."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DialogState:
    """The engine's whole memory of a person, stored by the runner.

    `awaiting_share` means the person answered the question at `node` and is
    being asked whether to share that answer with their partner.
    """

    dialog: str | None = None
    node: str | None = None
    awaiting_share: bool = False

    @property
    def idle(self) -> bool:
        return self.dialog is None
