"""The break itself: start, the flooding check, the length, the return question.

A break never touches the guided conversation the person was in: that
position stays in DialogSession/DialogProgress exactly as it was, free text
during the break is answered here instead of being taken as an answer there,
and once the break is over the person is offered to pick it up again.
"""

from __future__ import annotations

from datetime import timedelta

from bot import waiting
from bot.cooldown import buttons as b
from bot.cooldown import calming, notices, phases, repair, screens, store, timers
from bot.cooldown.buttons import at_step
from bot.cooldown.models import Cooldown, CooldownTimer
from bot.engine.events import Resume
from bot.storage import repo
from bot.storage.models import WaitingInput
from bot.turn import Turn


class Flow:
    def __init__(self, repairing: repair.Repair) -> None:
        self.repair = repairing

    # -- starting ------------------------------------------------------------------

    async def start(self, turn: Turn) -> None:
        """/cooldown and the "I need a break" button: any time, mid-conversation too."""
        cd = await store.open_cooldown(turn.session, turn.user, turn.now)
        if cd is not None:
            turn.say_key("cooldown_already")
            await screens.show(turn, cd)
            return
        _, version = await repo.load_state(turn.session, turn.user.id)
        cd = Cooldown(
            user_id=turn.user.id,
            phase=phases.CHECK,
            dialog_version=version,
            paused_until_at_start=turn.user.nudges_paused_until,
            started_at=turn.now,
            touched_at=turn.now,
        )
        turn.session.add(cd)
        await turn.session.flush()
        turn.say_key("cooldown_intro")
        screens.check(turn, cd)

    async def start_button(self, turn: Turn, pressed: b.Start) -> None:
        await self.start(turn)

    # -- the quick check -------------------------------------------------------------

    async def sign(self, turn: Turn, pressed: b.Sign) -> None:
        cd = await at_step(turn, pressed.cooldown, {phases.CHECK})
        if cd is None:
            return
        cd.signs = phases.toggle(cd.signs, pressed.sign)
        await store.touch(turn, cd, phases.CHECK)
        screens.check(turn, cd, replace=True)

    async def checked(self, turn: Turn, pressed: b.Checked) -> None:
        cd = await at_step(turn, pressed.cooldown, {phases.CHECK})
        if cd is None:
            return
        await store.touch(turn, cd, phases.CHOOSE)
        screens.choose(turn, cd)

    # -- the length of the break -------------------------------------------------------

    async def minutes(self, turn: Turn, pressed: b.Minutes) -> None:
        cd = await at_step(turn, pressed.cooldown, {phases.CHOOSE})
        if cd is None:
            return
        if pressed.minutes not in phases.BREAK_MINUTES:
            turn.notice("unknown_button")
            return
        cd.minutes = pressed.minutes
        await self._run_until(turn, cd, timedelta(minutes=cd.minutes))
        if turn.partner_reachable:
            await store.touch(turn, cd, phases.NOTICE)
            await screens.notice_preview(turn, cd)
        else:
            await store.touch(turn, cd, phases.REST)
            screens.rest(turn, cd)

    async def prepare_now(self, turn: Turn, pressed: b.PrepareNow) -> None:
        """Steady enough to skip the break: straight to the gentle start-up."""
        cd = await at_step(turn, pressed.cooldown, {phases.CHOOSE})
        if cd is not None:
            await repair.begin(turn, cd)

    async def _run_until(self, turn: Turn, cd: Cooldown, length: timedelta) -> None:
        """(Re)set the end of the break and its return timer."""
        assert cd.id is not None
        cd.ends_at = turn.now + length
        await timers.cancel(turn.session, cooldown_id=cd.id, kind=timers.RETURN)
        await timers.schedule(
            turn.session, turn.user.id, timers.RETURN, cd.ends_at, cooldown_id=cd.id
        )

    # -- the end of the break ------------------------------------------------------------

    async def on_return_timer(self, turn: Turn, timer: CooldownTimer) -> None:
        """The chosen time has come: ask whether they are ready to talk."""
        cd = await store.open_cooldown(turn.session, turn.user, turn.now)
        if cd is None or cd.id != timer.cooldown_id or cd.phase != phases.REST:
            return  # over, or interrupted by a pause or a safety signal: no prompt
        await store.touch(turn, cd, phases.ASK)
        screens.ask(turn, cd)

    async def end_early(self, turn: Turn, pressed: b.EndEarly) -> None:
        cd = await at_step(turn, pressed.cooldown, {phases.REST})
        if cd is None:
            return
        assert cd.id is not None
        await timers.cancel(turn.session, cooldown_id=cd.id, kind=timers.RETURN)
        await store.touch(turn, cd, phases.ASK)
        screens.ask(turn, cd)

    async def ready(self, turn: Turn, pressed: b.Ready) -> None:
        cd = await at_step(turn, pressed.cooldown, {phases.ASK})
        if cd is not None:
            await repair.begin(turn, cd)

    async def more(self, turn: Turn, pressed: b.More) -> None:
        """Fifteen more minutes; a partner who was told the time is told the new one."""
        cd = await at_step(turn, pressed.cooldown, {phases.ASK})
        if cd is None:
            return
        cd.extensions += 1
        await self._run_until(turn, cd, timedelta(minutes=phases.EXTEND_MINUTES))
        await store.touch(turn, cd, phases.REST)
        notices.tell_new_time(turn, cd)
        turn.say_key("cooldown_extended", minutes=phases.EXTEND_MINUTES)
        screens.rest(turn, cd)

    async def not_today(self, turn: Turn, pressed: b.NotToday) -> None:
        cd = await at_step(turn, pressed.cooldown, {phases.ASK})
        if cd is None:
            return
        await store.close_cooldown(turn.session, cd, phases.NOT_TODAY, turn.now)
        notices.tell_not_today(turn, cd)
        turn.say_key("cooldown_not_today_ok")
        await screens.offer_resume(turn)

    # -- back to the interrupted conversation ----------------------------------------------

    async def resume(self, turn: Turn, pressed: b.Resume) -> None:
        state, _ = await repo.load_state(turn.session, turn.user.id)
        if state.idle:
            turn.notice("nothing_to_resume")
            return
        await turn.advance(
            lambda t: Resume(at=t.now, lang=t.lang, has_partner=t.partner is not None)
        )

    # -- free text ------------------------------------------------------------------

    async def screen(self, turn: Turn, text: str) -> bool:
        """Text during a break belongs to the break, never to the paused conversation.

        Registered after the other screens, so the safety screen has already
        seen (and taken) anything alarming. Once the person goes back to a
        guided conversation themselves, their text is theirs to answer it.
        """
        cd = await store.open_cooldown(turn.session, turn.user, turn.now)
        if cd is None:
            return False
        state, version = await repo.load_state(turn.session, turn.user.id)
        if not state.idle and version != cd.dialog_version:
            return False
        if cd.phase in phases.TEXT_PHASES:
            await store.touch(turn, cd, cd.phase)  # the step's question lapsed: ask it again
        turn.say_key("cooldown_text_during")
        await screens.show(turn, cd)
        return True

    async def typed(self, turn: Turn, text: str, question: WaitingInput) -> bool:
        """Words typed at a builder step, while that step's question is open."""
        if question.key == calming.GROUND:
            return await calming.ground_typed(turn, text, question)
        cd = await store.open_cooldown(turn.session, turn.user, turn.now)
        if cd is None or str(cd.id) != question.ref or cd.phase != question.key:
            await waiting.done(turn, store.FEATURE)
            return False  # a question from a break that has moved on
        cd.touched_at = turn.now
        turn.session.add(cd)
        await self.repair.on_text(turn, cd, text)
        return True
