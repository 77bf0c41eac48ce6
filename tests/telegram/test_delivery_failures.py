"""What a failed send looks like from outside: retried when safe, and said in the log.

A proxy in front of the Bot API (Telegram's own, or one an operator runs)
answers an outage with an HTML page, not Telegram's JSON. Such a 502 is as
certainly "not sent" as a JSON one and is retried the same way. A reply that
is dropped in the end is logged as a warning naming the chat — never the
words — so an operator can see that someone was not answered.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.sending import Outcome
from bot.telegram import delivery
from bot.telegram.delivery import deliver
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.telegram_core import FakeTelegram
from tests.support.logs import restored_logging
from tests.telegram.test_delivery import ALEX, Unreachable, make_bot, out

BAD_GATEWAY_PAGE = b"""<html>
<head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>
</html>"""
WORDS = "I finally told my sister everything"


class ProxyRequest(RecordingRequest):
    """The next `pages` sendMessage calls get the proxy's HTML error page."""

    def __init__(self, fake: FakeTelegram, pages: int) -> None:
        super().__init__(fake)
        self.pages = pages

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        if "sendMessage" in url and self.pages > 0:
            self.pages -= 1
            return 502, BAD_GATEWAY_PAGE
        return await super().do_request(url, method, request_data, **kw)


@pytest.fixture
def fake() -> FakeTelegram:
    fake = FakeTelegram()
    fake.user(ALEX).send_text("/start")
    return fake


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "BACKOFF_SECONDS", 0.01)


async def test_an_html_502_from_a_proxy_is_retried_like_a_json_one(fake) -> None:
    request = ProxyRequest(fake, pages=2)
    bot = await make_bot(request)
    assert await deliver(bot, [out(ALEX, WORDS)], Unreachable()) == [Outcome.SENT]
    assert request.pages == 0 and len(fake.sent_to(ALEX)) == 1


async def test_the_proxy_page_does_not_flood_the_log(fake, caplog) -> None:
    from bot.logs import setup_logging

    with restored_logging():  # the bot's own logging, for this test only
        setup_logging("INFO", ())
        logging.getLogger().addHandler(caplog.handler)  # see what the bot's log would show
        bot = await make_bot(ProxyRequest(fake, pages=1))
        await deliver(bot, [out(ALEX, WORDS)], Unreachable())
    shown = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert "network error, will retry: Bad Gateway (502)" in [r.getMessage() for r in shown]
    assert not any("nginx" in r.getMessage() or r.exc_info for r in shown)


async def test_a_reply_dropped_after_retries_is_a_warning_with_the_chat_not_the_words(
    fake, caplog
) -> None:
    bot = await make_bot(ProxyRequest(fake, pages=10))
    outcomes = await deliver(bot, [out(ALEX, WORDS)], Unreachable())
    assert outcomes == [Outcome.FAILED]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(ALEX) in w and "not delivered" in w for w in warnings), warnings
    assert not any(WORDS in r.getMessage() for r in caplog.records)
