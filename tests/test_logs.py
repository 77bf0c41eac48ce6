"""No log line, from any library, ever shows the bot token."""

from __future__ import annotations

import logging

from bot.logs import REDACTED, RedactSecrets

TOKEN = "123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp"


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args, exc_info)


def test_known_secrets_and_token_shapes_are_redacted() -> None:
    scrub = RedactSecrets([TOKEN, "hooksecret"])
    rec = record("POST https://api.telegram.org/bot%s/getUpdates with %s", TOKEN, "hooksecret")
    scrub.filter(rec)
    assert TOKEN not in rec.getMessage() and "hooksecret" not in rec.getMessage()
    assert REDACTED in rec.getMessage()
    other = record("bot999999:ZZyyXXwwVVuuTTssRRqqPPooNNmmLLkk/sendMessage")
    scrub.filter(other)
    assert "ZZyyXX" not in other.getMessage()


def test_tracebacks_are_redacted_too() -> None:
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/getMe")
    except RuntimeError as exc:
        rec = record("oops", exc=exc)
    RedactSecrets([TOKEN]).filter(rec)
    text = logging.Formatter().format(rec)
    assert TOKEN not in text and "RuntimeError" in text


def test_private_message_text_never_reaches_the_log_even_at_debug(capsys) -> None:
    import logging

    from bot.logs import setup_logging

    setup_logging("DEBUG", ())
    for name in ("telegram.ext.ExtBot", "telegram.ext.Application", "telegram.Bot"):
        logging.getLogger(name).debug("Processing update: my private answer")
    logging.getLogger("bot.safety.care").debug("still debugging our own code")
    err = capsys.readouterr().err
    assert "my private answer" not in err
    assert "still debugging our own code" in err


def test_ordinary_tracebacks_read_exactly_as_python_prints_them() -> None:
    from bot.logs import format_exception

    def inner() -> None:
        raise KeyError("inner")

    try:
        try:
            inner()
        except KeyError as exc:
            raise ValueError("outer") from exc
    except ValueError as outer:
        try:
            raise RuntimeError("while handling")
        except RuntimeError as last:
            assert format_exception(last) == logging.Formatter().formatException(
                (type(last), last, last.__traceback__)
            )
            assert format_exception(outer).count("Traceback") == 2
