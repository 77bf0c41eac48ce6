"""The terminal chat drives the same coach: numbers for buttons, /as to switch person."""

from __future__ import annotations

import io
from pathlib import Path

from bot.console import Console, console_id
from tests.support.waiting import until


def script(*lines: str):
    feed = iter(lines)

    async def read(prompt: str) -> str:
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

    async def read(prompt: str) -> str:
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

    from bot.plugins import Periodic
    from bot.turn import Outbound

    out = io.StringIO()
    console = Console(coach, read=script(), out=out)

    async def ping() -> list[Outbound]:
        return [Outbound(console.person.chat_id, console.person.user_id, "a gentle check-in")]

    task = asyncio.create_task(console.repeat(Periodic("ping", 0.01, ping)))
    try:
        await until(lambda: "a gentle check-in" in out.getvalue(), what="the check-in shown")
    finally:
        task.cancel()


async def test_jobs_that_record_delivery_hear_about_each_message(coach) -> None:
    import asyncio

    from bot.plugins import Periodic
    from bot.sending import Outcome
    from bot.turn import Outbound

    out = io.StringIO()
    console = Console(coach, read=script(), out=out)
    heard: list[tuple[str, Outcome]] = []
    calls = 0

    class Hooks:
        async def admit(self, message: Outbound) -> bool:
            return message.text != "refused"

        async def done(self, message: Outbound, outcome: Outcome) -> None:
            heard.append((message.text, outcome))

    async def once() -> list[Outbound]:
        nonlocal calls
        calls += 1
        if calls > 1:
            return []
        me = console.person
        return [
            Outbound(me.chat_id, me.user_id, "check-in"),
            Outbound(me.chat_id, me.user_id, "refused"),
        ]

    task = asyncio.create_task(console.repeat(Periodic("sweep", 0.01, once, hooks=Hooks())))
    try:  # jobs run one after another: a second run means the first batch is all handled
        await until(lambda: calls >= 2, what="a second run of the job")
    finally:
        task.cancel()
    assert heard == [("check-in", Outcome.SENT)]
    assert "check-in" in out.getvalue() and "refused" not in out.getvalue()


async def test_a_returning_person_is_not_greeted_again(coach) -> None:
    first, second = io.StringIO(), io.StringIO()
    await Console(coach, read=script("/quit"), out=first).run()
    await Console(coach, read=script("/quit"), out=second).run()
    assert "Let's get to know" in first.getvalue()
    assert "Let's get to know" not in second.getvalue() and "Hi, Alex" not in second.getvalue()
    assert "Welcome back — you are Alex" in second.getvalue()


async def test_numbers_pick_buttons_even_after_a_note_and_out_of_range_says_which(coach) -> None:
    out = io.StringIO()
    lines = script("I have something to say first", "7", "1")
    console = Console(coach, read=lines, out=out)
    await console.run()
    shown = out.getvalue()
    assert "Pick 1–2, the numbers of the buttons above." in shown
    assert "not waiting for an answer" not in shown
    assert "What made you look" in shown, "1 still pressed the first button"


async def test_a_number_is_text_when_no_message_has_buttons(coach) -> None:
    out = io.StringIO()
    await Console(coach, read=script("1", "3"), out=out).run()
    assert "Right now, how does your relationship feel" in out.getvalue(), "3 was the answer"


async def test_a_press_prints_only_the_choice_not_the_whole_message_again(coach) -> None:
    out = io.StringIO()
    await Console(coach, read=script("1"), out=out).run()
    shown = out.getvalue()
    assert shown.count("Closeness is rarely about grand gestures") == 1
    assert "\n✓ Sounds good\n" in shown


async def test_mydata_writes_a_file_into_the_folder_and_prints_its_path(coach, tmp_path) -> None:
    import json
    import re

    out = io.StringIO()
    await Console(coach, read=script("/mydata"), out=out, files=tmp_path).run()
    path = re.search(r"\(File saved: (.+)\)", out.getvalue()).group(1)
    assert path.startswith(str(tmp_path.resolve())) and path.endswith(".json")
    exported = json.loads(Path(path).read_bytes())  # noqa: ASYNC240 - a test reading its file
    assert exported, "the file holds the person's data"


async def test_as_without_a_name_explains_itself(coach) -> None:
    out = io.StringIO()
    console = Console(coach, read=script("/as"), out=out)
    await console.run()
    assert "/as NAME lets you talk as another person" in out.getvalue()
    assert console.name == "Alex"


def console_process(tmp_path: Path, stdin: int | None = None, **kw):
    import os
    import subprocess
    import sys

    from bot.config import PROJECT_ROOT

    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
        LOCAL_DIR=str(tmp_path / "local"),
        LOG_LEVEL="INFO",
        PROMPT_TOOLKIT_NO_CPR="1",  # nobody answers the cursor-position question here
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "console"], cwd=PROJECT_ROOT, env=env, stdin=stdin, **kw
    )


def test_log_lines_go_to_a_file_whose_path_is_shown_once(tmp_path: Path) -> None:
    import subprocess

    worrying = "sometimes I think about ending my life"
    process = console_process(
        tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = process.communicate(f"1\n{worrying}\n/quit\n", timeout=60)
    log = tmp_path / "local" / "attune.log"
    assert out.count(str(log.resolve())) == 1
    assert "WARNING" not in out + err and "INFO" not in out + err
    assert log.exists() and "safety" in log.read_text().lower()


def test_ctrl_c_at_the_prompt_leaves_at_once_and_cleanly(tmp_path: Path) -> None:
    import os
    import pty
    import select
    import time

    leader, follower = pty.openpty()
    process = console_process(tmp_path, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen, deadline = b"", time.monotonic() + 60
    while b"Alex>" not in seen and time.monotonic() < deadline:
        if select.select([leader], [], [], 0.2)[0]:
            seen += os.read(leader, 4096)
    assert b"Alex>" in seen, seen.decode(errors="replace")
    os.write(leader, b"\x03")
    assert process.wait(timeout=10) == 0
    os.close(leader)


def _read_until(
    leader: int, seen: bytes, wanted: bytes, seconds: float, start: int | None = None
) -> bytes:
    """Read the terminal until `wanted` appears after `start` (by default after what was
    `seen`), or the time is up."""
    import os
    import select
    import time

    start = len(seen) if start is None else start
    deadline = time.monotonic() + seconds
    while wanted not in seen[start:] and time.monotonic() < deadline:
        if select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 4096)
            except OSError:
                break
    return seen


def test_a_timed_message_prints_above_the_prompt_and_the_prompt_is_drawn_again(
    tmp_path: Path,
) -> None:
    """Issue 15, item 13: a breathing cue arriving on the clock while the person sits at
    the prompt is printed, and "Alex>" is drawn again underneath it (patch_stdout)."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = console_process(tmp_path, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    try:
        seen = _read_until(leader, b"", b"Alex>", 60)
        assert b"Alex>" in seen, seen.decode(errors="replace")
        # /cooldown, "none of these", 20 minutes, "Breathe with me": the first cue now,
        # the next ones on the clock while nothing is typed.
        for line in (b"/cooldown", b"5", b"1", b"1"):
            mark = len(seen)
            os.write(leader, line + b"\r")
            seen = _read_until(leader, seen, b"Alex>", 30)
            assert b"Alex>" in seen[mark:], seen.decode(errors="replace")
        timed = "…and out, slowly".encode()
        seen = _read_until(leader, seen, timed, 30)
        assert timed in seen, seen.decode(errors="replace")
        after = seen.rindex(timed)
        seen = _read_until(leader, seen, b"Alex>", 10, start=after)
        assert b"Alex>" in seen[after:], "the prompt is drawn again below the timed message"
    finally:
        process.kill()
        process.wait(timeout=10)
        os.close(leader)
