"""Typed inline-button payloads: a prefix and typed fields, packed to Telegram's wire format.

A button's data is `prefix|field|field…` (ASCII, at most 64 bytes). A payload
class declares its prefix, which may carry a sub-action (`prefix="cd|sign"`),
and its fields as a frozen dataclass:

    @dataclass(frozen=True)
    class Sign(Payload, prefix="cd|sign"):
        cooldown: int
        sign: int

`Sign(12, 3).pack()` is `"cd|sign|12|3"`, the same string a hand-packed button
carried, so buttons already sitting in people's chats keep working.

Packing something that cannot be read back (a field holding the separator,
more than 64 bytes) is our bug and raises. Unpacking is done on data anyone
could forge, so it never raises: anything that does not fit the class exactly
is None. Fields are `str` (non-empty), `int` (non-negative), `bool` (`1`/`0`) or a `Literal`
of strings; a field defaulting to None may be left off the end.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self, get_args, get_origin

SEP = "|"
MAX_BYTES = 64
"""Telegram's limit on callback data."""

_INT = re.compile(r"[0-9]{1,19}")
"""Non-negative, as every number on a button is (ids, indices, minutes, times)."""


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    kind: Any
    """str, int, bool, or a frozenset of allowed strings (a Literal)."""
    optional: bool


class Payload:
    """Base of every button payload; subclasses are frozen dataclasses with a `prefix`."""

    prefix: ClassVar[str]
    _fields: ClassVar[tuple[_Field, ...] | None] = None

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix or not prefix.isascii() or "" in prefix.split(SEP):
            raise TypeError(f"{cls.__name__}: a payload needs a non-empty ASCII prefix")
        cls.prefix = prefix
        cls._fields = None  # read lazily: the dataclass decorator runs after this

    # -- packing: our own data, so a mistake raises ----------------------------

    def pack(self) -> str:
        values = [getattr(self, f.name) for f in self.fields()]
        while values and values[-1] is None and self.fields()[len(values) - 1].optional:
            values.pop()
        parts = [self.prefix, *(_text(f, v) for f, v in zip(self.fields(), values, strict=False))]
        data = SEP.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"{data!r} is over {MAX_BYTES} bytes (Telegram's limit)")
        return data

    # -- unpacking: anyone's data, so nothing raises ----------------------------

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The payload `data` carries, or None when it is not exactly one of ours."""
        if not isinstance(data, str) or not data.isascii() or len(data) > MAX_BYTES:
            return None
        head = cls.prefix + SEP
        if data == cls.prefix:
            parts: list[str] = []
        elif data.startswith(head):
            parts = data[len(head) :].split(SEP)
        else:
            return None
        fields = cls.fields()
        required = sum(not f.optional for f in fields)
        if not required <= len(parts) <= len(fields):
            return None
        values: dict[str, Any] = {f.name: None for f in fields[len(parts) :]}
        for f, part in zip(fields, parts, strict=False):
            value = _value(f.kind, part)
            if value is None:
                return None
            values[f.name] = value
        return cls(**values)

    @classmethod
    def fields(cls) -> tuple[_Field, ...]:
        if cls._fields is None:
            hints = typing.get_type_hints(cls)
            cls._fields = tuple(_field(cls, f, hints[f.name]) for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        return cls._fields


def route(data: str, by_prefix: Mapping[str, Any]) -> Any | None:
    """The entry with the longest prefix leading `data` (`cd|sign|1` finds `cd|sign`)."""
    parts = data.split(SEP)
    for end in range(len(parts), 0, -1):
        found = by_prefix.get(SEP.join(parts[:end]))
        if found is not None:
            return found
    return None


def shadows(shorter: type[Payload], longer: type[Payload]) -> bool:
    """Whether `shorter`'s own data could be routed to `longer` instead.

    `set` with a `str` field and `set|name` would be: "set|name" is meant
    for one and routed to the other. An `int` field under `unl` beside
    `unl|keep` is not, since "keep" is no number.
    """
    head = shorter.prefix + SEP
    if not longer.prefix.startswith(head) or not shorter.fields():
        return False
    part = longer.prefix[len(head) :].split(SEP)[0]
    return _value(shorter.fields()[0].kind, part) is not None


def _field(cls: type, f: dataclasses.Field[Any], hint: Any) -> _Field:
    optional = False
    args = get_args(hint)
    if type(None) in args:  # X | None: may be left off the end
        optional = True
        if f.default is not None:
            raise TypeError(f"{cls.__name__}.{f.name}: an optional field must default to None")
        (hint,) = [a for a in args if a is not type(None)]
    if get_origin(hint) is Literal:
        choices = get_args(hint)
        if not all(isinstance(c, str) for c in choices):
            raise TypeError(f"{cls.__name__}.{f.name}: only Literals of strings")
        return _Field(f.name, frozenset(choices), optional)
    if hint not in (str, int, bool):
        raise TypeError(f"{cls.__name__}.{f.name}: a payload field is str, int, bool or a Literal")
    return _Field(f.name, hint, optional)


def _text(f: _Field, value: Any) -> str:
    if f.kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{f.name}={value!r} is not a bool")
        return "1" if value else "0"
    if f.kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or not _INT.fullmatch(str(value)):
            raise ValueError(f"{f.name}={value!r} is not an int that fits")
        return str(value)
    if not isinstance(value, str) or not value or not value.isascii() or SEP in value:
        raise ValueError(f"{f.name}={value!r} cannot be packed (empty, non-ASCII or has {SEP!r})")
    if isinstance(f.kind, frozenset) and value not in f.kind:
        raise ValueError(f"{f.name}={value!r} is not one of {sorted(f.kind)}")
    return value


def _value(kind: Any, part: str) -> Any | None:
    if kind is str:
        return part or None
    if kind is int:
        return int(part) if _INT.fullmatch(part) else None
    if kind is bool:
        return {"1": True, "0": False}.get(part)
    return part if part in kind else None
