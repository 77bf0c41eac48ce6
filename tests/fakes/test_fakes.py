"""The fakes must behave like api.telegram.org as seen through python-telegram-bot."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes.flood import FloodControl, FloodLimits
from tests.fakes.recording_request import RecordingRequest, deliver, make_update
from tests.fakes.telegram_core import (
    BOT_ID,
    BOT_USERNAME,
    DEFAULT_TOKEN,
    BotApiError,
    FakeTelegram,
    tiny_png,
)
from tests.fakes.telegram_server import FakeBotApiServer

AnyApp = Application[Any, Any, Any, Any, Any, Any]
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes", callback_data="answer:yes")],
        [InlineKeyboardButton("No", callback_data="answer:no")],
    ]
)


@pytest.fixture
def fake() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def server(fake: FakeTelegram) -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer(fake) as running:
        yield running


@pytest.fixture
async def bot(server: FakeBotApiServer) -> AsyncIterator[Bot]:
    async with Bot(
        DEFAULT_TOKEN, base_url=server.base_url + "/bot", base_file_url=server.file_url
    ) as client:
        yield client


async def until(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    """Yield to the loop until ``condition`` holds (for state that records no call)."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never became true")


def post(url: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    """Raw HTTP, for what PTB never sends (JSON bodies, unknown methods)."""
    request = urllib.request.Request(url, body, {"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# --- HTTP server + real telegram.Bot ----------------------------------------------------------


async def test_get_me_reports_the_test_bot_and_records_the_token(
    bot: Bot, server: FakeBotApiServer, fake: FakeTelegram
) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (BOT_ID, BOT_USERNAME, True)
    assert server.tokens_seen == [DEFAULT_TOKEN]
    assert fake.calls[-1].method == "getMe"
    assert fake.calls[-1].token == DEFAULT_TOKEN


async def test_wrong_token_is_rejected_like_telegram(server: FakeBotApiServer) -> None:
    with pytest.raises(InvalidToken, match="Unauthorized"):
        await Bot("1:WRONG", base_url=server.api_url).get_me()
    status, body = post(f"{server.base_url}/botnot-a-token/getMe", b"", "application/json")
    assert (status, body["description"]) == (404, "Not Found")
    assert "1:WRONG" in server.tokens_seen


async def test_send_and_edit_message_with_inline_keyboard(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(id=101, first_name="Ann")
    user.send_command("/start")
    sent = await bot.send_message(
        101, "Ready <b>now</b>?", parse_mode="HTML", reply_markup=KEYBOARD
    )
    assert (sent.text, sent.entities[0].type) == ("Ready now?", "bold")
    assert sent.reply_markup == KEYBOARD
    call = fake.sent_to(101)[-1]
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "answer:yes"
    assert user.inbox()[-1].buttons == [["Yes"], ["No"]]

    edited = await bot.edit_message_text("Thanks!", chat_id=101, message_id=sent.message_id)
    assert edited.edit_date is not None
    latest = user.inbox()[-1]
    assert (latest.message_id, latest.text, latest.edited) == (sent.message_id, "Thanks!", True)
    assert latest.buttons == [], "editing text without reply_markup drops the keyboard"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Thanks!", chat_id=101, message_id=sent.message_id)


async def test_markup_errors_match_telegram(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(id=102).send_text("hi")
    with pytest.raises(BadRequest, match="reserved and must be escaped"):
        await bot.send_message(102, "Done.", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(102, "1 < 2", parse_mode="HTML")
    ok = await bot.send_message(102, "Done\\. *Great*", parse_mode="MarkdownV2")
    assert ok.text == "Done. Great"


async def test_send_document_uploads_bytes_via_multipart(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(id=103).send_text("report please")
    payload = b"%PDF-1.4\r\n--boundary-lookalike\r\n\x00\xff binary"
    message = await bot.send_document(
        103, document=payload, filename="week é.pdf", caption="Your week"
    )
    assert message.document.file_name == "week é.pdf"
    assert message.document.mime_type == "application/pdf"
    assert message.caption == "Your week"
    upload = fake.calls_to("sendDocument")[-1].files["document"]
    assert (upload.filename, upload.mime_type, upload.data) == (
        "week é.pdf",
        "application/pdf",
        payload,
    )
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload

    photo = await bot.send_photo(103, photo=tiny_png(400, 200))
    assert (photo.photo[-1].width, photo.photo[-1].height) == (400, 200)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(103, photo=b"not an image")


async def test_get_updates_returns_pushed_command(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(id=104, first_name="Bo").send_command("/start", payload="invite-42")
    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 1
    message = updates[0].message
    assert isinstance(updates[0], Update)
    assert (message.text, message.chat.type, message.from_user.first_name) == (
        "/start invite-42",
        "private",
        "Bo",
    )
    assert message.entities[0].type == "bot_command"
    assert message.parse_entity(message.entities[0]) == "/start"
    await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert fake.pending_updates() == []


async def test_long_poll_waits_for_new_updates_without_blocking_others(
    bot: Bot, fake: FakeTelegram
) -> None:
    user = fake.user(id=105)
    user.send_text("first")
    first = await bot.get_updates(timeout=0)
    poll = asyncio.create_task(bot.get_updates(offset=first[-1].update_id + 1, timeout=3))
    await until(lambda: fake.waiting_pollers() > 0)
    await bot.send_message(105, "meanwhile")
    assert not poll.done(), "the send did not wait for the poll to end"
    user.send_text("second")
    updates = await asyncio.wait_for(poll, timeout=2)
    assert [u.message.text for u in updates] == ["second"]


async def test_blocked_user_gets_forbidden(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(id=106)
    user.send_command("/start")
    user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(106, "are you there?")
    status = fake.pending_updates()[-1]["my_chat_member"]["new_chat_member"]["status"]
    assert status == "kicked"
    user.send_text("I'm back")  # writing again restarts the bot
    assert (await bot.send_message(106, "welcome back")).text == "welcome back"


async def test_bot_cannot_write_first_or_to_unknown_chats(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(id=107)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(107, "hello stranger")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello?")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_answers_429_with_retry_after() -> None:
    fake = FakeTelegram(rate_limit_per_sec=3)
    fake.user(id=108).send_text("hi")
    with FakeBotApiServer(fake) as server:
        async with Bot(DEFAULT_TOKEN, base_url=server.api_url) as bot:
            for n in range(3):
                await bot.send_message(108, f"message {n}")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(108, "one too many")
    assert "Retry in 1 seconds" in str(caught.value)
    assert fake.too_many_requests == 1
    assert len(fake.sent_to(108)) == 3


async def test_commands_webhook_and_misc_methods(bot: Bot, fake: FakeTelegram) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="de")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert fake.commands(language_code="de")[0]["description"] == "Beginnen"
    await bot.delete_my_commands(language_code="de")
    assert await bot.get_my_commands(language_code="de") == ()

    fake.user(id=109).send_text("hi")
    assert await bot.send_chat_action(109, "typing")
    sent = await bot.send_message(109, "temp")
    assert await bot.delete_message(109, sent.message_id)
    assert fake.user(id=109).inbox() == []
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.close()
    assert await bot.log_out()


async def test_unknown_method_and_json_and_form_bodies(
    server: FakeBotApiServer, fake: FakeTelegram
) -> None:
    fake.user(id=110).send_text("hi")
    url = f"{server.api_url}{DEFAULT_TOKEN}"
    status, body = post(f"{url}/sendTelepathy", b"{}", "application/json")
    assert (status, body["description"]) == (404, "Not Found: method not found")
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    payload = json.dumps({"chat_id": 110, "text": "json", "reply_markup": markup}).encode()
    status, body = post(f"{url}/sendMessage", payload, "application/json")
    assert (status, body["result"]["reply_markup"]) == (200, markup)
    form = b"chat_id=110&text=form%20body&disable_notification=true"
    status, body = post(f"{url}/sendmessage", form, "application/x-www-form-urlencoded")
    assert (status, body["result"]["text"]) == (200, "form body")
    assert fake.calls[-1].method == "sendMessage"
    assert fake.calls[-1].params["disable_notification"] is True


# --- webhooks ---------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    """Stands in for the bot's webhook endpoint."""

    received: ClassVar[list[tuple[str | None, dict[str, Any]]]] = []
    arrived: ClassVar[threading.Event] = threading.Event()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
        self.arrived.set()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def test_webhook_receives_updates_and_blocks_get_updates(
    bot: Bot, fake: FakeTelegram, server: FakeBotApiServer
) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received, _Receiver.arrived = [], threading.Event()
    serve = threading.Thread(target=receiver.serve_forever, args=(0.05,), daemon=True)
    serve.start()
    try:
        url = server.public_webhook_url(receiver.server_address[1], "/hook")
        await bot.set_webhook(url, secret_token="s3cret")
        fake.user(id=111).send_text("via webhook")
        assert await asyncio.to_thread(_Receiver.arrived.wait, 3)
        secret, update = _Receiver.received[0]
        assert (secret, update["message"]["text"]) == ("s3cret", "via webhook")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        assert (await bot.get_webhook_info()).pending_update_count == 0
        await bot.delete_webhook()
    finally:
        receiver.shutdown()
        receiver.server_close()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://bot.example/hook", "(?i)an https url must be provided"),
        ("https://bot.example:8080/hook", "(?i)only on ports 80, 88, 443 or 8443"),
        ("https://127.0.0.1:5000/hook", "(?i)only on ports 80, 88, 443 or 8443"),
    ],
)
async def test_webhooks_only_on_https_and_telegram_s_ports(
    bot: Bot, url: str, problem: str
) -> None:
    with pytest.raises(BadRequest, match=problem):
        await bot.set_webhook(url)
    for fine in ("https://bot.example/hook", "https://bot.example:88/hook"):
        assert await bot.set_webhook(fine)


async def test_a_test_that_needs_a_plain_local_webhook_says_so() -> None:
    lenient = FakeTelegram(allow_http_webhooks=True)
    with FakeBotApiServer(lenient) as server:
        async with Bot(DEFAULT_TOKEN, base_url=server.api_url) as client:
            assert await client.set_webhook("http://127.0.0.1:5000/hook")


class _SlowReceiver(BaseHTTPRequestHandler):
    """A webhook that holds each request until told, counting how many are open at once."""

    lock: ClassVar[threading.Lock] = threading.Lock()
    open_now: ClassVar[int] = 0
    chats: ClassVar[list[int]] = []
    release: ClassVar[threading.Event] = threading.Event()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            type(self).open_now += 1
            self.chats.append(body["message"]["chat"]["id"])
        self.release.wait(10)
        with self.lock:
            type(self).open_now -= 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def test_webhook_updates_arrive_side_by_side_up_to_max_connections(
    bot: Bot, fake: FakeTelegram, server: FakeBotApiServer
) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _SlowReceiver)
    _SlowReceiver.open_now, _SlowReceiver.chats = 0, []
    _SlowReceiver.release = threading.Event()
    threading.Thread(target=receiver.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = server.public_webhook_url(receiver.server_address[1], "/hook")
        await bot.set_webhook(url, max_connections=3)
        for chat in (121, 122, 121, 123, 124):
            fake.user(id=chat).send_text(f"to {chat}")
        await until(lambda: _SlowReceiver.open_now == 3)
        assert sorted(_SlowReceiver.chats) == [121, 122, 123], "3 at once; 121's second waits"
        assert fake.most_webhook_requests_at_once == 3
        _SlowReceiver.release.set()
        await until(lambda: fake.pending_updates() == [])
        assert _SlowReceiver.chats.count(121) == 2 and len(_SlowReceiver.chats) == 5
        assert fake.most_webhook_requests_at_once == 3, "never more than max_connections"
        with pytest.raises(BadRequest, match="max_connections"):
            await bot.set_webhook(url, max_connections=101)
        await bot.delete_webhook()
    finally:
        _SlowReceiver.release.set()
        receiver.shutdown()
        receiver.server_close()


# --- flood limits and callback expiry -----------------------------------------------------------


def test_one_chat_gets_a_burst_then_about_one_message_a_second() -> None:
    now = [0.0]
    flood = FloodControl(FloodLimits(), clock=lambda: now[0])
    for _ in range(20):
        flood.check(301)
    with pytest.raises(BotApiError) as caught:
        flood.check(301)
    assert (caught.value.code, caught.value.retry_after) == (429, 1)
    flood.check(302)  # another chat is not held up
    now[0] += 0.5
    with pytest.raises(BotApiError):
        flood.check(301)  # told to wait a second: refused until then, however little is sent
    now[0] += 0.6
    flood.check(301)
    with pytest.raises(BotApiError):
        flood.check(301)
    assert flood.refused == 3
    assert flood.refused_by == {"chat": 2, "penalty": 1}


def test_a_person_acting_in_the_chat_stands_for_the_time_a_real_one_takes() -> None:
    now = [0.0]
    flood = FloodControl(FloodLimits(), clock=lambda: now[0])
    for _ in range(20):
        flood.check(303)
    flood.person_acted(303)
    for _ in range(3):
        flood.check(303)
    with pytest.raises(BotApiError):
        flood.check(303)


def test_a_group_gets_twenty_messages_a_minute() -> None:
    now = [0.0]
    flood = FloodControl(FloodLimits(), clock=lambda: now[0])
    for _ in range(20):
        now[0] += 1.5  # slower than a message a second: only the group limit applies
        flood.check(-100)
    with pytest.raises(BotApiError) as caught:
        flood.check(-100)
    assert caught.value.retry_after == 32
    assert flood.refused_by == {"group": 1}
    now[0] += 32
    flood.check(-100)


def test_all_chats_together_get_about_thirty_messages_a_second() -> None:
    now = [0.0]
    flood = FloodControl(FloodLimits(), clock=lambda: now[0])
    for chat in range(30):
        flood.check(400 + chat)
    with pytest.raises(BotApiError):
        flood.check(500)
    assert flood.refused_by == {"global": 1}
    now[0] += 1.0
    flood.check(500)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
async def test_a_flood_wait_telegram_gave_holds_for_the_chat(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(id=125).send_text("hi")
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5)
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await bot.send_message(125, "too soon")
    assert fake.sent_to(125) == []


async def test_a_callback_query_answered_too_late_is_refused(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(id=126)
    user.send_command("/start")
    await bot.send_message(126, "Ready?", reply_markup=KEYBOARD)
    fresh, late = user.press("Yes"), user.press("No")
    assert await bot.answer_callback_query(fresh["callback_query"]["id"])
    fake.age_callback_queries(fake.callback_timeout + 1)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(late["callback_query"]["id"])


# --- core, waiting and in-process Application -------------------------------------------------


def test_wait_for_sees_calls_made_from_another_thread(fake: FakeTelegram) -> None:
    fake.user(id=112).send_text("hi")
    since = fake.mark()
    sender = threading.Timer(0.05, fake.call, ("sendMessage", {"chat_id": 112, "text": "later"}))
    sender.start()
    call = fake.wait_for(lambda c: c.method == "sendMessage", timeout=2, since=since)
    assert call.params["text"] == "later"
    assert call.result["message_id"] == 2
    with pytest.raises(TimeoutError, match="no matching Bot API call"):
        fake.wait_for(lambda c: c.method == "sendPhoto", timeout=0.05)


def test_second_poller_terminates_the_first(fake: FakeTelegram) -> None:
    outcome: list[object] = []

    def first_poll() -> None:
        try:
            outcome.append(fake.call("getUpdates", {"timeout": 2}))
        except BotApiError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=first_poll)
    thread.start()
    while fake.waiting_pollers() == 0:
        time.sleep(0.01)
    assert fake.call("getUpdates", {"timeout": 0}) == []
    thread.join(timeout=2)
    assert isinstance(outcome[0], BotApiError)
    assert outcome[0].code == 409


def test_reply_keyboard_button_sends_its_label(fake: FakeTelegram) -> None:
    user = fake.user(id=113)
    user.send_text("hi")
    markup = ReplyKeyboardMarkup([[KeyboardButton("😊 Good"), "Bad"]], one_time_keyboard=True)
    params = {"chat_id": 113, "text": "How are you?", "reply_markup": markup.to_json()}
    fake.call("sendMessage", params)
    assert user.reply_keyboard() == [["😊 Good", "Bad"]]
    update = user.press("😊 Good")
    assert update["message"]["text"] == "😊 Good"
    assert user.reply_keyboard() == []


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        f"Welcome! args={context.args}", reply_markup=KEYBOARD
    )


async def answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Noted")
    await query.edit_message_text(f"You said {query.data}")


def build_app(fake: FakeTelegram, token: str = "123:ABC", base_url: str | None = None) -> AnyApp:
    builder = ApplicationBuilder().token(token)
    if base_url is None:
        builder = builder.request(RecordingRequest(fake))
        builder = builder.get_updates_request(RecordingRequest(fake))
    else:
        builder = builder.base_url(base_url)
    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(answered))
    return app


async def test_in_process_application_answers_start_and_button(fake: FakeTelegram) -> None:
    app = build_app(fake)
    await app.initialize()
    try:
        user = fake.user(id=114, first_name="Cy")
        await app.process_update(make_update(user.send_command("/start", "ref"), app.bot))
        assert user.last_text() == "Welcome! args=['ref']"
        assert user.inbox()[-1].callback_data == ["answer:yes", "answer:no"]

        await deliver(app, user.press("No"))
        assert user.last_text() == "You said answer:no"
        assert user.last_answer() == {"text": "Noted"}
        assert user.inbox()[-1].edited

        group = fake.group(-100500, "Couples")
        await deliver(app, group.send_command(user, "/start", mention_bot=True))
        assert group.last_text() == "Welcome! args=[]"
    finally:
        await app.shutdown()


@pytest.mark.parametrize("transport", ["http", "in-process"])
async def test_application_long_polls_and_answers(
    transport: str, server: FakeBotApiServer, fake: FakeTelegram
) -> None:
    base_url = server.api_url if transport == "http" else None
    app = build_app(fake, DEFAULT_TOKEN, base_url)
    user = fake.user(id=115)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        user.send_command("/start")
        reply = await user.await_reply(contains="Welcome", timeout=3)
        user.press("Yes")
        edited = await user.await_reply(contains="You said", timeout=3)
        await app.updater.stop()
        await app.stop()
    assert reply.buttons == [["Yes"], ["No"]]
    assert (edited.message_id, edited.text) == (reply.message_id, "You said answer:yes")
    assert fake.internal_errors == []


def test_fail_next_injects_the_exact_error(fake: FakeTelegram) -> None:
    user = fake.user(id=131)
    user.send_text("hi")
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    status, body = fake.respond("sendMessage", {"chat_id": 131, "text": "x"})
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    status, body = fake.respond("sendMessage", {"chat_id": 131, "text": "x"})
    assert status == 429, "Telegram holds to the wait it gave, as the real one does"
    other = fake.user(id=132)
    other.send_text("hi")
    fake.fail_next("sendMessage", 500, "Internal Server Error")
    assert fake.respond("sendMessage", {"chat_id": 132, "text": "x"})[0] == 500
    assert fake.respond("sendMessage", {"chat_id": 132, "text": "x"})[0] == 200, "only once"
