"""Imports every table module so SQLModel.metadata knows the whole schema.

Feature packages add their table module here; Alembic reads the metadata.
"""

from sqlmodel import SQLModel

from bot.cooldown import models as cooldown_models  # noqa: F401
from bot.couples import models as couples_models  # noqa: F401
from bot.followups import models as followups_models  # noqa: F401
from bot.inbox import models as inbox_models  # noqa: F401
from bot.lovemaps import models as lovemaps_models  # noqa: F401
from bot.nudges import models as nudges_models  # noqa: F401
from bot.outbox import models as outbox_models  # noqa: F401
from bot.path import models as path_models  # noqa: F401
from bot.safety import models as safety_models  # noqa: F401
from bot.storage import models  # noqa: F401
from bot.table import models as table_models  # noqa: F401
from bot.together import models as together_models  # noqa: F401

metadata = SQLModel.metadata
