"""Opening a Talk Table from a private chat: /talk and the /topics button, linked people only."""

from __future__ import annotations

from bot.engine.content import Content
from bot.turn import Person
from tests.table.support import Seat

LINK = "https://t.me/attune_test_bot?startgroup=table"


def buttons(outs) -> list[tuple[str, str]]:
    return [(b.label, b.data) for out in outs for row in out.keyboard for b in row]


async def test_topics_offers_a_startgroup_link_to_linked_people_only(
    table: Seat, content: Content
) -> None:
    coach = table.coach
    coach.bot_username = "attune_test_bot"
    alex = await coach.run_command(table.alex, "topics")
    assert (content.t("table_open_button", "en"), LINK) in buttons(alex)
    sam = await coach.run_command(table.sam, "topics")
    assert (content.t("table_open_button", "tr"), LINK) in buttons(sam)
    alone = Person(804, 804, "Robin", "en")
    await coach.run_command(alone, "start")
    assert all(data != LINK for _, data in buttons(await coach.run_command(alone, "topics")))


async def test_talk_in_private_explains_and_links_or_asks_to_link_first(
    table: Seat, content: Content
) -> None:
    coach = table.coach
    coach.bot_username = "attune_test_bot"
    outs = await coach.run_command(table.alex, "talk")
    assert LINK in outs[-1].text and "Sam" in outs[-1].text
    assert buttons(outs[-1:]) == [(content.t("table_open_button", "en"), LINK)]
    alone = Person(805, 805, "Robin", "en")
    await coach.run_command(alone, "start")
    outs = await coach.run_command(alone, "talk")
    assert outs[-1].text == content.t("table_needs_partner", "en")
