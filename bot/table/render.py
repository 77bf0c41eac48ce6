"""The words and buttons of the group's floor message, in the table's language.

One message shows the whole state: the topic, who holds the floor (🎤), the
rules in one line, and only the buttons that fit the phase. Every button
carries the floor's version, so a press on an older message is recognised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.engine.content import Content
from bot.engine.outputs import Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.table import floor as f
from bot.table.models import TalkTable

GO, QUESTION, RECENT, OURS, SAID, YES, NOT_QUITE, PAUSE, BACK, STOP = (
    "go",
    "q",
    "c",
    "o",
    "s",
    "y",
    "n",
    "p",
    "b",
    "x",
)
Action = Literal["go", "q", "c", "o", "s", "y", "n", "p", "b", "x"]


@dataclass(frozen=True)
class Move(Payload, prefix="tt"):
    """A button under the group's floor message: `tt|<action>|<version>[|<minutes>]`.

    The version is the floor's when the button was drawn, so a press on an older
    message is recognised; these buttons arrive as group events, not private presses.
    """

    action: Action
    version: int
    minutes: int | None = None


class Render:
    def __init__(
        self,
        content: Content,
        row: TalkTable,
        names: Mapping[int, str],
        *,
        recent: bool = False,
    ) -> None:
        self.content = content
        self.row = row
        self.names = names
        self.recent = recent
        """A recent check-in can be the topic (offered only then)."""

    def t(self, key: str, **values: object) -> str:
        return self.content.t(key, self.row.lang, **values)

    def name(self, user_id: int | None) -> str:
        return self.names.get(user_id or 0, "?")

    def button(
        self, key: str, action: Action, pause: int | None = None, **values: object
    ) -> KeyButton:
        data = Move(action, self.row.version, pause).pack()
        return KeyButton(self.t(key, **values), data)

    def pair(self) -> dict[str, str]:
        """Both partners' names, the opener first."""
        ids = sorted(self.names, key=lambda uid: uid != self.row.opened_by)
        return {"a": self.name(ids[0]), "b": self.name(ids[-1])}

    # -- messages --------------------------------------------------------------------

    def hello(self) -> tuple[str, Keyboard]:
        return self.t("table_hello", **self.pair()), ((self.button("table_start_button", GO),),)

    def topic(self) -> tuple[str, Keyboard]:
        recent = ((self.button("table_topic_recent", RECENT),),) if self.recent else ()
        rows = (
            (self.button("table_topic_question", QUESTION),),
            *recent,
            (self.button("table_topic_ours", OURS),),
            self._pause_row(),
        )
        return self.t("table_topic", **self.pair()), rows

    def floor(self, lead: str = "", *, again: bool = False) -> tuple[str, Keyboard]:
        """The floor message for the row's phase (speak, reflect, confirm, paused, closing)."""
        row, who = self.row, {"speaker": self.name(self.row.speaker_id)}
        who["listener"] = self.name(row.listener_id)
        parts = [lead] if lead else []
        keyboard: Keyboard = ()
        if row.phase in (f.SPEAK, f.REFLECT, f.CONFIRM):
            parts.append(self._topic_line())
        if row.phase == f.SPEAK:
            parts.append(self.t("table_speak_again" if again else "table_speak", **who))
            parts.append(self.t("table_rules"))
            keyboard = ((self.button("table_said_button", SAID),), *self._always())
        elif row.phase == f.REFLECT:
            parts.append(self.t("table_reflect", **who))
            keyboard = self._always()
        elif row.phase == f.CONFIRM:
            parts.append(self.t("table_confirm", **who))
            answers = (
                self.button("table_yes_button", YES),
                self.button("table_not_quite_button", NOT_QUITE),
            )
            keyboard = (answers, *self._always())
        elif row.phase == f.PAUSED:
            minutes = self._pause_minutes()
            parts.append(self.t("table_paused", name=self.name(row.paused_by), minutes=minutes))
            keyboard = ((self.button("table_back_button", BACK),),)
        elif row.phase == f.CLOSING:
            parts.append(self.t("table_closing"))
        elif row.phase == f.TOPIC:
            return self.topic()
        return "\n\n".join(parts), keyboard

    def passed(self) -> str:
        return self.t("table_passed", round=self.row.turns // 2 + 1, rounds=self.row.rounds)

    def _topic_line(self) -> str:
        if self.row.topic:
            return self.t("table_topic_line", topic=self.row.topic)
        return self.t("table_topic_free")

    def _pause_minutes(self) -> int:
        row = self.row
        if row.paused_until is None:
            return 0
        return round((row.paused_until - row.touched_at).total_seconds() / 60)

    def _pause_row(self) -> tuple[KeyButton, ...]:
        return tuple(
            self.button("table_pause_button", PAUSE, m, minutes=m) for m in f.PAUSE_MINUTES
        )

    def _always(self) -> Keyboard:
        """Pausing and stopping are always there, for both."""
        return (self._pause_row(), (self.button("table_stop_button", STOP),))
