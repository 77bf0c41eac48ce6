"""No log line, from any library, ever shows the bot token."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import REDACTED, WITHHELD, RedactSecrets, format_exception, setup_logging
from tests.support.logs import restored_logging

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
    assert rec.exc_info is None, "no handler can format the unscrubbed exception afresh"


CHATTY = ("telegram.ext", "telegram.Bot", "telegram._bot")
NOISY = ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic")


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """Each test starts from loggers nobody has configured and leaves logging as it found
    it: a level set by an earlier `setup_logging` must not make a later test pass, nor
    its root handler rewrite a later test's records (tests/support/logs.py)."""
    names = (*CHATTY, *NOISY, "telegram.request.BaseRequest")
    with restored_logging():
        for name in names:
            logging.getLogger(name).setLevel(logging.NOTSET)
            logging.getLogger(name).filters.clear()
        yield


def test_private_message_text_never_reaches_the_log_even_at_debug(capsys) -> None:
    setup_logging("DEBUG", ())
    names = ("telegram.ext.ExtBot", "telegram.ext.Application", "telegram.Bot", "telegram._bot")
    for name in names:
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


def test_libraries_that_log_urls_or_rows_speak_only_of_trouble(capsys) -> None:
    """httpx logs every request URL (the token is in it), the others chatter about
    every job and statement: at DEBUG only our own code gets louder."""
    setup_logging("DEBUG", (TOKEN,))
    for name in NOISY:
        logging.getLogger(name).info("%s said: POST /bot%s/getMe", name, TOKEN)
        logging.getLogger(name).warning("%s warned", name)
    err = capsys.readouterr().err
    assert [n for n in NOISY if f"{n} said" in err] == []
    assert [n for n in NOISY if f"{n} warned" in err] == list(NOISY)


def test_a_log_line_reads_time_level_logger_and_message(capsys) -> None:
    setup_logging("INFO", (TOKEN,))
    logging.getLogger("bot.coach").info("hello %s", TOKEN)
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(f" INFO bot.coach: hello {REDACTED}")
    assert line[:4].isdigit(), "it starts with the date and time"


def test_the_terminal_chat_logs_to_a_file_in_a_folder_made_for_it(tmp_path: Path) -> None:
    log_file = tmp_path / "new" / "folder" / "attune.log"
    setup_logging("INFO", (TOKEN,), file=log_file)
    setup_logging("INFO", (TOKEN,), file=log_file)  # again: the folder is there already
    logging.getLogger("bot.console").info("Güle güle %s", TOKEN)
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert log_file.read_text(encoding="utf-8").endswith(f"Güle güle {REDACTED}\n")

    # UTF-8 whatever the locale says: under a plain C locale (ASCII) too
    code = (
        "import logging, sys; from pathlib import Path; from bot.logs import setup_logging; "
        "setup_logging('INFO', (), file=Path(sys.argv[1])); "
        "logging.getLogger('bot.console').info('G\\u00fcle g\\u00fcle')"
    )  # the script in ASCII: the command line itself goes through the C locale
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    env["PYTHONCOERCECLOCALE"] = "0"  # Python would otherwise turn a C locale into UTF-8
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    c_locale = tmp_path / "c-locale.log"
    subprocess.run([sys.executable, "-c", code, str(c_locale)], check=True, env=env)
    assert c_locale.read_text(encoding="utf-8").endswith(" INFO bot.console: Güle güle\n")


def test_a_proxy_page_instead_of_json_is_one_quiet_line(capsys) -> None:
    setup_logging("INFO", ())
    page = "<html>502 Bad Gateway nginx</html>"
    logging.getLogger("telegram.request.BaseRequest").error(
        'Can not load invalid JSON data: "%s"', page
    )
    assert capsys.readouterr().err == "", "said at DEBUG, which is off"
    setup_logging("DEBUG", ())
    logging.getLogger("telegram.request.BaseRequest").error(
        'Can not load invalid JSON data: "%s"', page
    )
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(
        " DEBUG telegram.request.BaseRequest: the Bot API answered with a body not JSON"
    )
    logging.getLogger("telegram.request.BaseRequest").warning("the network is down")
    assert "the network is down" in capsys.readouterr().err, "other lines pass as they are"


def test_an_exception_logged_without_its_traceback_is_scrubbed_too() -> None:
    exc = RuntimeError(f"could not reach /bot{TOKEN}/getMe")  # never raised: no traceback
    rec = record("oops", exc=exc)
    RedactSecrets([TOKEN]).filter(rec)
    text = logging.Formatter().format(rec)
    assert TOKEN not in text and "RuntimeError" in text


def test_exception_names_say_where_they_come_from() -> None:
    class LocalError(Exception):
        pass

    assert format_exception(KeyError("k")) == "KeyError: 'k'"
    script_error = type("ScriptError", (Exception,), {"__module__": "__main__"})
    assert format_exception(script_error("x")) == "ScriptError: x", "as Python prints it"
    assert format_exception(LocalError("x")) == (
        "tests.test_logs.test_exception_names_say_where_they_come_from.<locals>.LocalError: x"
    )


def test_a_chain_of_exceptions_that_loops_is_printed_once() -> None:
    from bot.logs import format_exception

    first, second = ValueError("first"), KeyError("second")
    first.__cause__, second.__cause__ = second, first
    text = format_exception(first)
    assert text.count("ValueError: first") == 1 and text.count("KeyError: 'second'") == 1


def test_a_context_hidden_with_from_none_stays_hidden() -> None:
    from bot.logs import format_exception

    try:
        try:
            raise KeyError("the lookup")
        except KeyError:
            raise ValueError("what we say") from None
    except ValueError as exc:
        assert format_exception(exc) == logging.Formatter().formatException(
            (type(exc), exc, exc.__traceback__)
        )
        assert "the lookup" not in format_exception(exc)


@pytest.mark.parametrize("message", ["spaces at the end  ", "more than LIMIT_MAX"])
def test_the_message_line_is_kept_to_its_last_character(message: str) -> None:
    try:
        raise ValueError(message)
    except ValueError as exc:
        assert format_exception(exc) == logging.Formatter().formatException(
            (type(exc), exc, exc.__traceback__)
        )
        assert format_exception(exc).endswith(f"ValueError: {message}")


def test_an_sql_error_without_a_drivers_error_keeps_only_the_sql() -> None:
    """SQLAlchemy's own message carries the statement's parameters: people's words."""
    from sqlalchemy.exc import StatementError

    sql = "INSERT INTO reflections (text) VALUES (?)"
    exc = StatementError("failed", sql, {"text": "my private answer"}, None)  # type: ignore[arg-type]
    assert format_exception(exc) == f"sqlalchemy.exc.StatementError: {WITHHELD}\n[SQL: {sql}]"


def test_a_value_asyncpg_could_not_send_is_withheld_with_nothing_added() -> None:
    """asyncpg's own DataError quotes the value (someone's answer) and has no SQLSTATE."""
    from asyncpg.exceptions._base import DataError

    exc = DataError("invalid input for query argument $1: 'my private answer' (expected int)")
    assert format_exception(exc) == f"asyncpg.exceptions._base.DataError: {WITHHELD}"
