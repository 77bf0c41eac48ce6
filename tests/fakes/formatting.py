"""Telegram's text formatting rules (parse_mode → plain text + entities) for the fake Bot API.

Modelled on tdlib so that formatting bugs in the bot (an unescaped ``.`` in MarkdownV2, a stray
``<`` in HTML) fail in tests with the same "can't parse entities" errors as in production.
Offsets and lengths are in UTF-16 code units, like the real API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_HTML_ATTR = re.compile(r"""([a-zA-Z_][\w-]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")

_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


class FormattingError(ValueError):
    """Raised with tdlib's wording; the API prefixes it with "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of all Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset used in tdlib's error messages."""
    return len(text[:index].encode("utf-8"))


@dataclass
class _Open:
    """A formatting span that has started but not ended yet."""

    kind: str
    start: int
    byte_offset: int
    tag: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class _Builder:
    """Accumulates output text and entities while tracking the UTF-16 position."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.chars = 0
        self.entities: list[Entity] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)
        self.chars += len(chunk)

    def text_since(self, char_index: int) -> str:
        return "".join(self.parts)[char_index:]

    def close(self, span: _Open, end: int | None = None, **extra: Any) -> None:
        length = (self.pos if end is None else end) - span.start
        if length > 0:
            self.entities.append(
                {"type": span.kind, "offset": span.start, "length": length, **extra}
            )

    def result(self) -> tuple[str, list[Entity]]:
        return "".join(self.parts), sort_entities(self.entities)


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Order entities like Telegram does: by offset, outer (longer) first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Turn formatted text into (plain text, entities); raise FormattingError when invalid."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown_v1(text)
    if mode == "":
        return text, []
    raise FormattingError(f"Unsupported parse_mode {parse_mode!r}")


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip leading/trailing whitespace and clip entities, as the server does for every text."""
    stripped_left = text.lstrip(" \t\r\n")
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(" \t\r\n")
    total = utf16_len(result)
    clipped: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return result, sort_entities(clipped)


# --- HTML -----------------------------------------------------------------------------------


def _parse_html(text: str) -> tuple[str, list[Entity]]:
    builder = _Builder()
    stack: list[_Open] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            decoded, consumed = _html_entity(text, i)
            builder.add(decoded)
            i += consumed
        elif char != "<":
            builder.add(char)
            i += 1
        elif text.startswith("</", i):
            i = _html_end_tag(text, i, stack, builder)
        else:
            i = _html_start_tag(text, i, stack, builder)
    if stack:
        raise FormattingError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return builder.result()


def _html_entity(text: str, index: int) -> tuple[str, int]:
    """Decode one ``&...;`` entity; unknown ones stay literal like on the server."""
    match = _HTML_ENTITY.match(text, index)
    if not match:
        return "&", 1
    body = match.group(1)
    if body.startswith(("#x", "#X")):
        return chr(int(body[2:], 16)), match.end() - index
    if body.startswith("#"):
        return chr(int(body[1:])), match.end() - index
    if body.lower() in _HTML_NAMED:
        return _HTML_NAMED[body.lower()], match.end() - index
    return "&", 1


def _html_start_tag(text: str, index: int, stack: list[_Open], builder: _Builder) -> int:
    offset = _byte_offset(text, index)
    name_end = index + 1
    while name_end < len(text) and not text[name_end].isspace() and text[name_end] not in "/>":
        name_end += 1
    if name_end >= len(text):
        raise FormattingError(f"Unclosed start tag at byte offset {offset}")
    name = text[index + 1 : name_end].lower()
    if name not in _HTML_TAGS:
        raise FormattingError(f'Unsupported start tag "{name}" at byte offset {offset}')
    close = text.find(">", name_end)
    if close == -1:
        raise FormattingError(f"Unclosed start tag at byte offset {offset}")
    attrs = {
        key.lower(): value.strip("\"'")
        for key, value in _HTML_ATTR.findall(text[name_end:close].rstrip("/"))
    }
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise FormattingError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    stack.append(_Open(_HTML_TAGS[name], builder.pos, offset, tag=name, extra=attrs))
    return close + 1


def _html_end_tag(text: str, index: int, stack: list[_Open], builder: _Builder) -> int:
    offset = _byte_offset(text, index)
    close = text.find(">", index)
    if close == -1:
        raise FormattingError(f"Unclosed end tag at byte offset {offset}")
    name = text[index + 2 : close].strip().lower()
    if not stack:
        raise FormattingError(f"Unexpected end tag at byte offset {offset}")
    span = stack.pop()
    if name != span.tag:
        raise FormattingError(
            f'Unmatched end tag at byte offset {offset}, expected "</{span.tag}>", '
            f'found "</{name}>"'
        )
    _html_close(span, stack, builder)
    return close + 1


def _html_close(span: _Open, stack: list[_Open], builder: _Builder) -> None:
    attrs = span.extra
    if span.tag == "code" and stack and stack[-1].tag == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].extra["language"] = language.removeprefix("language-")
            return
    if span.kind == "text_link":
        if attrs.get("href"):
            builder.close(span, url=attrs["href"])
    elif span.kind == "pre" and attrs.get("language"):
        builder.close(span, language=attrs["language"])
    elif span.kind == "blockquote" and "expandable" in attrs:
        builder.close(_Open("expandable_blockquote", span.start, span.byte_offset))
    elif span.kind == "custom_emoji":
        builder.close(span, custom_emoji_id=attrs.get("emoji-id", ""))
    else:
        builder.close(span)


# --- MarkdownV2 -----------------------------------------------------------------------------


def _parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    builder = _Builder()
    stack: list[_Open] = []
    quote: _Open | None = None
    i = 0
    while i < len(text):
        at_line_start = i == 0 or text[i - 1] == "\n"
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")
        quote = _mdv2_quote_boundary(text, i, at_line_start, in_code, quote, builder)
        if at_line_start and not in_code and text[i] == ">":
            i += 1
            continue
        char = text[i]
        if char == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
            builder.add(text[i + 1])
            i += 2
        elif char not in ("`" if in_code else _MDV2_RESERVED):
            builder.add(char)
            i += 1
        elif stack and _mdv2_is_end(stack[-1], text, i):
            i = _mdv2_end(text, i, stack.pop(), builder)
        else:
            i = _mdv2_start(text, i, stack, builder)
    if stack:
        span = stack[-1]
        raise FormattingError(
            f"Can't find end of {_MDV2_NAMES[span.kind]} entity at byte offset {span.byte_offset}"
        )
    if quote is not None:
        builder.close(quote)
    return builder.result()


def _mdv2_quote_boundary(
    text: str, i: int, at_line_start: bool, in_code: bool, quote: _Open | None, builder: _Builder
) -> _Open | None:
    """Open or close a blockquote made of consecutive lines starting with '>'."""
    if not at_line_start or in_code:
        return quote
    starts_quote = text[i] == ">"
    if starts_quote and quote is None:
        return _Open("blockquote", builder.pos, _byte_offset(text, i))
    if not starts_quote and quote is not None:
        builder.close(quote, end=builder.pos - 1)  # the line break is not part of the quote
        return None
    return quote


def _mdv2_is_end(span: _Open, text: str, i: int) -> bool:
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return {
        "bold": text[i] == "*",
        "italic": text[i] == "_" and nxt != "_",
        "underline": text.startswith("__", i),
        "strikethrough": text[i] == "~",
        "spoiler": text.startswith("||", i),
        "code": text[i] == "`",
        "pre": text.startswith("```", i),
        "text_link": text[i] == "]",
    }[span.kind]


def _mdv2_start(text: str, i: int, stack: list[_Open], builder: _Builder) -> int:
    char = text[i]
    offset = _byte_offset(text, i)
    simple = {"*": "bold", "~": "strikethrough", "[": "text_link", "`": "code"}
    if text.startswith("```", i):
        return _mdv2_start_pre(text, i, stack, builder)
    if text.startswith("__", i):
        stack.append(_Open("underline", builder.pos, offset))
        return i + 2
    if text.startswith("||", i):
        stack.append(_Open("spoiler", builder.pos, offset))
        return i + 2
    if char == "_":
        stack.append(_Open("italic", builder.pos, offset))
        return i + 1
    if char in simple:
        stack.append(_Open(simple[char], builder.pos, offset, extra={"chars": builder.chars}))
        return i + 1
    raise FormattingError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _mdv2_start_pre(text: str, i: int, stack: list[_Open], builder: _Builder) -> int:
    span = _Open("pre", builder.pos, _byte_offset(text, i))
    i += 3
    newline = text.find("\n", i)
    closing = text.find("```", i)
    if newline != -1 and (closing == -1 or newline < closing):
        language = text[i:newline].strip()
        if language and " " not in language:
            span.extra["language"] = language
        if language == "" or "language" in span.extra:
            i = newline + 1
    stack.append(span)
    return i


def _mdv2_end(text: str, i: int, span: _Open, builder: _Builder) -> int:
    if span.kind == "text_link":
        return _mdv2_end_link(text, i, span, builder)
    width = {"underline": 2, "spoiler": 2, "pre": 3}.get(span.kind, 1)
    if span.kind == "pre" and span.extra.get("language"):
        builder.close(span, language=span.extra["language"])
    else:
        builder.close(span)
    return i + width


def _mdv2_end_link(text: str, i: int, span: _Open, builder: _Builder) -> int:
    i += 1
    if i < len(text) and text[i] == "(":
        url_chars: list[str] = []
        i += 1
        while i < len(text) and text[i] != ")":
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            url_chars.append(text[i])
            i += 1
        if i >= len(text):
            raise FormattingError(
                f"Can't find end of a URL at byte offset {_byte_offset(text, i - 1)}"
            )
        builder.close(span, url="".join(url_chars))
        return i + 1
    label = builder.text_since(span.extra["chars"])
    if label.startswith(("http://", "https://")):
        builder.close(span, url=label)
    return i


# --- legacy Markdown ------------------------------------------------------------------------


def _parse_markdown_v1(text: str) -> tuple[str, list[Entity]]:
    builder = _Builder()
    kinds = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "_*`[":
            builder.add(text[i + 1])
            i += 2
            continue
        if char not in kinds:
            builder.add(char)
            i += 1
            continue
        i = _md1_entity(text, i, kinds[char], builder)
    return builder.result()


def _md1_entity(text: str, i: int, kind: str, builder: _Builder) -> int:
    begin = i
    end_marker = "]" if kind == "text_link" else text[i]
    language = ""
    if text.startswith("```", i):
        kind, end_marker = "pre", "```"
        i += 3
        newline = text.find("\n", i)
        if newline != -1 and " " not in text[i:newline] and text.find("```", i) > newline:
            language, i = text[i:newline], newline + 1
    else:
        i += 1
    end = text.find(end_marker, i)
    if end == -1:
        raise FormattingError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
        )
    span = _Open(kind, builder.pos, _byte_offset(text, begin))
    builder.add(text[i:end])
    i = end + len(end_marker)
    if kind == "text_link":
        url_end = text.find(")", i) if text.startswith("(", i) else -1
        if url_end != -1:
            builder.close(span, url=text[i + 1 : url_end])
            return url_end + 1
        return i
    if language:
        builder.close(span, language=language)
    else:
        builder.close(span)
    return i
