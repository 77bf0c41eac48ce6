"""The pure dialog engine: content models, loading/validation, and `step`."""

from bot.engine.content import Button, Content, Dialog, Node, Question, Text
from bot.engine.events import Answer, Begin, Choose, Event, Resume, Share
from bot.engine.outputs import (
    DialogFinished,
    DialogStarted,
    Effect,
    Keyboard,
    KeyButton,
    Notice,
    Output,
    ReflectionShared,
    SaveReflection,
    Say,
)
from bot.engine.state import DialogState
from bot.engine.step import step

__all__ = [
    "Answer",
    "Begin",
    "Button",
    "Choose",
    "Content",
    "Dialog",
    "DialogFinished",
    "DialogStarted",
    "DialogState",
    "Effect",
    "Event",
    "KeyButton",
    "Keyboard",
    "Node",
    "Notice",
    "Output",
    "Question",
    "ReflectionShared",
    "Resume",
    "SaveReflection",
    "Say",
    "Share",
    "Text",
    "step",
]
