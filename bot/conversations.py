"""Guided conversations: /start, /help, /topics, dialog buttons, answers, sharing.

This is the glue between the pure engine and storage for the core features;
other features plug in the same way (see `bot.plugins`).
"""

from __future__ import annotations

import json

from bot.engine import callbacks
from bot.engine.events import Answer, Begin, Choose, Resume, Share
from bot.engine.outputs import (
    DialogFinished,
    Effect,
    KeyButton,
    ReflectionShared,
    SaveReflection,
)
from bot.long_text import labelled, split_at_words
from bot.plugins import Command, Feature, FeatureContext, Registry
from bot.storage import repo
from bot.storage.models import Reflection
from bot.turn import Outbound, Turn

WELCOME = "welcome"


def feature(context: FeatureContext) -> Feature:
    """The core: /start, /topics, /help, the dialogs' buttons and answers, sharing."""
    flow = Conversations(context.registry)
    return Feature(
        "conversations",
        commands={
            "start": Command(flow.start),
            "topics": Command(flow.topics),
            "help": Command(flow.help),
        },
        buttons={
            callbacks.Nav: flow.choose,
            callbacks.Share: flow.share,
            callbacks.Topic: flow.open_topic,
            callbacks.TopicsMenu: flow.menu,
        },
        fallback_text=flow.answer,
        effect_listeners=(flow.on_effect,),
    )


class Conversations:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        """Other features' /start payloads, commands and /topics parts."""

    # -- commands -------------------------------------------------------------

    async def start(self, turn: Turn) -> None:
        """Greet; a /start with a payload (a deep link) goes to whoever handles it."""
        payload = self.registry.start_payload
        if turn.args and payload is not None and await payload(turn, turn.args[0]):
            return
        name = f", {turn.user.name}" if turn.user.first_name or turn.user.display_name else ""
        mark = len(turn.out)
        turn.say_key("start_intro", name=name)
        state, _ = await turn.store.load_state(turn.user.id)
        if not state.idle:
            await turn.advance(lambda t: Resume(**_ctx(t)))
        elif (await turn.store.progress(turn.user.id)).get(WELCOME) is None and (
            WELCOME in turn.content.dialogs
        ):
            await turn.advance(lambda t: Begin(dialog=WELCOME, **_ctx(t)))
        else:
            await self.topics(turn)
        turn.fold_from(mark)  # the greeting and what follows arrive as one message

    async def help(self, turn: Turn) -> None:
        lines = [turn.t("help_header")]
        for name, command in self.registry.commands.items():
            if command.in_menu:
                lines.append(f"/{name} — {turn.t('cmd_' + name)}")
        lines.append(turn.t("help_footer"))
        turn.say("\n".join(lines))

    async def topics(self, turn: Turn) -> None:
        progress = await turn.store.progress(turn.user.id)
        rows: list[tuple[KeyButton, ...]] = []
        for dialog_id in turn.content.topics:
            row = progress.get(dialog_id)
            status = "status_new" if row is None else f"status_{row.status}"
            label = turn.t(
                "topic_button",
                status=turn.t(status),
                title=turn.content.title(dialog_id, turn.lang),
            )
            rows.append((KeyButton(label, callbacks.Topic(dialog_id).pack()),))
        all_done = all(
            (p := progress.get(d)) is not None and p.status == repo.DONE
            for d in turn.content.topics
        )
        texts = [turn.t("topics_all_done")] if all_done else []
        above: list[tuple[KeyButton, ...]] = []
        below: list[tuple[KeyButton, ...]] = []
        last: list[tuple[KeyButton, ...]] = []
        for hook in self.registry.topics:
            part = await hook(turn)
            texts += [part.text] if part.text else []
            above += part.above
            below += part.below
            last += part.last
        texts.append(turn.t("topics_title"))
        turn.say("\n\n".join(texts), (*above, *rows, *below, *last))

    # -- buttons --------------------------------------------------------------

    async def choose(self, turn: Turn, button: callbacks.Nav) -> None:
        await turn.advance(
            lambda t: Choose(dialog=button.dialog, node=button.node, index=button.index, **_ctx(t))
        )

    async def share(self, turn: Turn, button: callbacks.Share) -> None:
        await turn.advance(
            lambda t: Share(dialog=button.dialog, node=button.node, share=button.yes, **_ctx(t))
        )

    async def open_topic(self, turn: Turn, button: callbacks.Topic) -> None:
        await open_topic(turn, button.dialog)

    async def menu(self, turn: Turn, button: callbacks.TopicsMenu) -> None:
        await self.topics(turn)

    # -- free text ------------------------------------------------------------

    async def answer(self, turn: Turn) -> None:
        if turn.created:
            # Someone new (or back after /forget) who just says "hi": welcome them.
            await self.start(turn)
            return
        text = turn.args[0]
        await turn.advance(lambda t: Answer(text=text, **_ctx(t)))

    # -- effects --------------------------------------------------------------

    async def on_effect(self, turn: Turn, effect: Effect) -> None:
        match effect:
            case SaveReflection():
                await turn.store.add_reflection(
                    Reflection(
                        user_id=turn.user.id,
                        couple_id=turn.user.couple_id,
                        dialog=effect.dialog,
                        node=effect.node,
                        key=effect.key,
                        text=effect.text,
                        together=effect.together,
                        created_at=effect.at,
                    )
                )
            case ReflectionShared():
                await self._share_reflection(turn, effect)
            case DialogFinished():
                await turn.store.record_progress(
                    turn.user.id, effect.dialog, node=None, now=effect.at, done=True
                )

    async def _share_reflection(self, turn: Turn, effect: ReflectionShared) -> None:
        """Send the answer to the partner, then tell the author what happened."""
        reflection = await repo.latest_reflection(
            turn.session, turn.user.id, effect.dialog, effect.node
        )
        partner = turn.partner
        if reflection is None or reflection.couple_id != turn.user.couple_id:
            # Written while linked to someone else (or alone): never for this partner.
            turn.say(turn.t("kept_private"), replace=True)
            return
        if partner is None or not turn.partner_reachable:
            turn.say(turn.t("partner_unavailable"), replace=True)
            return
        if turn.user.quiet:  # quiet mode (bot.safety.quiet): it stays with the author
            turn.say(turn.t("quiet_mode_held"), replace=True)
            return
        parts = 1
        if not reflection.shared:
            text = turn.content.t(
                "partner_shared",
                partner.lang,
                name=turn.user.name,
                title=turn.content.title(effect.dialog, partner.lang),
                text=reflection.text,
            )
            pieces = labelled(split_at_words(text))
            about = json.dumps({"dialog": effect.dialog, "reflection": reflection.id})
            for piece in pieces:
                turn.out.append(
                    Outbound(
                        partner.chat_id,
                        partner.id,
                        piece,
                        kind="partner_shared",
                        sender_id=turn.user.id,
                        about=about,
                    )
                )
            parts = len(pieces)
            reflection.shared = True
            turn.session.add(reflection)
        # True when said: the answer is on its way, not yet arrived. If it cannot be
        # delivered, the author is told later (`Outbox.tell_sender`).
        if parts > 1:
            turn.say(turn.t("shared_in_parts", parts=parts, partner=partner.name), replace=True)
        else:
            turn.say(turn.t("shared", partner=partner.name), replace=True)


async def open_topic(turn: Turn, dialog: str) -> None:
    """Open `dialog`, resuming where the person left it if unfinished (also from a check-in)."""
    if dialog not in turn.content.dialogs:
        turn.notice("unknown_topic")
        return
    progress = await turn.store.progress(turn.user.id)
    row = progress.get(dialog)
    node = row.node if row is not None and row.status == repo.IN_PROGRESS else None
    done = sum(
        1
        for topic in turn.content.topics
        if topic != dialog and (p := progress.get(topic)) is not None and p.status == repo.DONE
    )
    await turn.advance(lambda t: Begin(dialog=dialog, node=node, topics_done=done, **_ctx(t)))


async def begin_at(turn: Turn, dialog: str, node: str) -> None:
    """Open `dialog` at a given step (e.g. from a reminder about one question)."""
    await turn.advance(lambda t: Begin(dialog=dialog, node=node, **_ctx(t)))


async def back_to_dialog(turn: Turn) -> None:
    """After a question asked on the side (a reminder's couple question, a check-in's
    answer): the step of the conversation the person was in, shown again, so they go
    on where they were. Nothing when they were in none."""
    state, _ = await turn.store.load_state(turn.user.id)
    if state.idle:
        return
    mark = len(turn.out)
    turn.say_key("back_to_dialog")
    await turn.advance(lambda t: Resume(**_ctx(t)))
    turn.fold_from(mark)  # the line and the step it leads to: one message


def _ctx(turn: Turn) -> dict[str, object]:
    """What every engine event carries about the moment and the person."""
    return {"at": turn.now, "lang": turn.lang, "has_partner": turn.partner is not None}
