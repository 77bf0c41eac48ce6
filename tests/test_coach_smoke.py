from bot.turn import Person

ALEX = Person(1001, 1001, "Alex", "en")


async def test_start_greets_and_opens_welcome(coach):
    outs = await coach.run_command(ALEX, "start")
    assert "Attune" in outs[0].text
    assert outs[-1].keyboard, "welcome dialog shows buttons"


async def test_storage_runs_on_both(db_engine):
    from sqlalchemy import text

    async with db_engine.connect() as conn:
        tables = (await conn.execute(text("SELECT count(*) FROM users"))).scalar()
    assert tables == 0
