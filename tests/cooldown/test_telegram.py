"""The cooldown through the real PTB Application, its job queue and the fake Bot API."""

from __future__ import annotations

from bot.telegram.application import on_started
from tests.fakes.recording_request import deliver
from tests.fakes.telegram_core import FakeTelegram
from tests.support.people import link_rows
from tests.support.telegram_app import fake_app


async def test_a_break_with_a_notice_and_a_return_through_telegram(coach, content, clock):
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    fake = FakeTelegram()
    app = fake_app(coach, fake)
    alex, sam = fake.user(1001, "Alex"), fake.user(1002, "Sam")
    async with app:
        await app.start()
        await on_started(app, coach)  # command menu and the timer sweep (PTB JobQueue)
        try:
            await deliver(app, alex.send_command("start"))
            await deliver(app, sam.send_command("start"))
            await link_rows(coach.sessions, alex.id, sam.id)
            assert "cooldown" in [c["command"] for c in fake.commands()]

            await deliver(app, alex.send_command("topics"))
            await deliver(app, alex.press(en("menu_need_a_break")))
            check = alex.last_message()
            await deliver(app, alex.press(en("cooldown_sign_off", sign=en("cooldown_sign_think"))))
            assert alex.last_message().message_id == check.message_id, "edited in place"
            assert en("cooldown_sign_on", sign=en("cooldown_sign_think")) in (
                alex.last_message().button_texts
            )
            await deliver(app, alex.press(en("cooldown_check_done")))
            assert alex.last_text() == en("cooldown_flooded")
            sams_messages = len(sam.inbox())
            await deliver(app, alex.press(en("cooldown_minutes", minutes=20)))
            assert en("cooldown_notice_send") in alex.last_message().button_texts
            assert len(sam.inbox()) == sams_messages, "a preview sends nothing"
            await deliver(app, alex.press(en("cooldown_notice_send")))
            assert sam.last_text() == en("cooldown_notice", name="Alex", when="in about 20 minutes")

            await deliver(app, sam.press(en("cooldown_ack")))
            assert en("cooldown_starter_acked", name="Sam") in [m.text for m in alex.inbox()]

            # an old button from an earlier step answers with a toast, nothing else
            before = len(alex.inbox())
            await deliver(app, alex.press(en("cooldown_check_done")))
            assert alex.last_answer() == {"text": en("stale_button")}
            assert len(alex.inbox()) == before

            clock.advance(minutes=20)  # the job queue's next tick finds the timer
            reply = await alex.await_reply(contains=en("cooldown_ask"), timeout=5)
            assert reply.button_texts == [
                en("cooldown_ready"),
                en("cooldown_more", minutes=15),
                en("cooldown_not_today"),
            ]
            await deliver(app, alex.press(en("cooldown_ready")))
            await deliver(app, alex.send_text("You always check your phone when I talk"))
            assert "“you check your phone when I talk”" in alex.last_text()
        finally:
            await app.stop()
    assert not fake.internal_errors
