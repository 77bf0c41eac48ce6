"""The terminal chat drives the same coach: numbers for buttons, /as to switch person."""

from __future__ import annotations

import io

from bot.console import Console, console_id


def script(*lines: str):
    feed = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return read


async def test_a_walk_through_the_welcome_by_numbers_and_text(coach) -> None:
    out = io.StringIO()
    console = Console(coach, read=script("1", "we drifted a bit", "2", "/quit"), out=out)
    await console.run()
    shown = out.getvalue()
    assert "[1] Sounds good" in shown
    assert "What made you look" in shown and "Thank you for telling me" in shown
    assert "A bit distant lately" in shown and "Distance is often a signal" in shown


async def test_as_switches_person_and_each_keeps_their_place(coach) -> None:
    out = io.StringIO()
    console = Console(coach, read=script("/as Sam", "/start", "/as Alex", "/topics"), out=out)
    await console.run()
    assert console.name == "Alex"
    assert console_id("Sam") != console_id("Alex") < 0
    assert "You are now Sam." in out.getvalue()


async def test_two_people_link_in_the_terminal_with_the_code(coach) -> None:
    """No t.me link in the terminal: the invite shows the code, and `/start CODE` as the
    other person links them."""
    import re

    out = io.StringIO()
    lines = iter(["/invite", "1", "/as Sam", None, "1", "/quit"])

    def read(prompt: str) -> str:
        line = next(lines)
        if line is None:
            code = re.search(r"/start (\S+)", out.getvalue()).group(1)
            return f"/start {code}"
        return line

    console = Console(coach, read=read, out=out)
    await console.run()
    shown = out.getvalue()
    assert "t.me" not in shown and "Here's your invite code" in shown
    assert "You're now linked with Alex" in shown
    assert "[for Alex] Sam accepted your invite" in shown


async def test_background_jobs_show_their_messages_in_the_terminal(coach) -> None:
    import asyncio

    from bot.coach import Periodic
    from bot.turn import Outbound

    out = io.StringIO()
    console = Console(coach, read=script(), out=out)

    async def ping() -> list[Outbound]:
        return [Outbound(console.person.chat_id, console.person.user_id, "a gentle check-in")]

    task = asyncio.create_task(console.repeat(Periodic("ping", 0.01, ping)))
    await asyncio.sleep(0.05)
    task.cancel()
    assert "a gentle check-in" in out.getvalue()


async def test_jobs_that_record_delivery_hear_about_each_message(coach) -> None:
    import asyncio

    from bot.coach import Periodic
    from bot.sending import Outcome
    from bot.turn import Outbound

    out = io.StringIO()
    console = Console(coach, read=script(), out=out)
    heard: list[tuple[str, Outcome]] = []
    sent = False

    class Hooks:
        async def admit(self, message: Outbound) -> bool:
            return message.text != "refused"

        async def done(self, message: Outbound, outcome: Outcome) -> None:
            heard.append((message.text, outcome))

    async def once() -> list[Outbound]:
        nonlocal sent
        if sent:
            return []
        sent = True
        me = console.person
        return [
            Outbound(me.chat_id, me.user_id, "check-in"),
            Outbound(me.chat_id, me.user_id, "refused"),
        ]

    task = asyncio.create_task(console.repeat(Periodic("sweep", 0.01, once, hooks=Hooks())))
    await asyncio.sleep(0.05)
    task.cancel()
    assert heard == [("check-in", Outcome.SENT)]
    assert "check-in" in out.getvalue() and "refused" not in out.getvalue()
