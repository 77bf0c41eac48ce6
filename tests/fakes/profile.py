"""The bot's own profile: getMe, command menus, descriptions, name and menu button."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.fakes.protocol import JSON, api_method, bad_request
from tests.fakes.records import UploadedFile
from tests.fakes.state import FakeState

_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ProfileMixin(FakeState):
    """Commands per scope and language, texts per language, like BotFather settings."""

    def __init__(self) -> None:
        super().__init__()
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._menu_buttons: dict[int | None, JSON] = {}

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands registered with setMyCommands for a scope/language."""
        with self._lock:
            return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

    @api_method("getMe")
    def _get_me(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @api_method("setMyCommands")
    def _set_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not _BOT_COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @api_method("getMyCommands")
    def _get_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    @api_method("deleteMyCommands")
    def _delete_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    @api_method("setMyDescription")
    def _set_my_description(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return self._set_bot_text("description", params)

    @api_method("getMyDescription")
    def _get_my_description(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return self._get_bot_text("description", params)

    @api_method("setMyShortDescription")
    def _set_my_short_description(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return self._set_bot_text("short_description", params)

    @api_method("getMyShortDescription")
    def _get_my_short_description(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return self._get_bot_text("short_description", params)

    @api_method("setMyName")
    def _set_my_name(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return self._set_bot_text("name", params)

    @api_method("getMyName")
    def _get_my_name(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return self._get_bot_text("name", params)

    def _set_bot_text(self, field_name: str, params: JSON) -> bool:
        self._bot_texts[(field_name, str(params.get("language_code") or ""))] = str(
            params.get(field_name) or ""
        )
        return True

    def _get_bot_text(self, field_name: str, params: JSON) -> JSON:
        language = str(params.get("language_code") or "")
        default = self.bot_user["first_name"] if field_name == "name" else ""
        return {field_name: self._bot_texts.get((field_name, language), default)}

    @api_method("setChatMenuButton")
    def _set_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    @api_method("getChatMenuButton")
    def _get_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat_id = params.get("chat_id")
        button = self._menu_buttons.get(chat_id, self._menu_buttons.get(None))
        return copy.deepcopy(button or {"type": "commands"})

    @api_method("close")
    def _close(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return True

    @api_method("logOut")
    def _log_out(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return True


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)
