"""The whole schema, for Alembic and for the checks that walk every table.

Every feature's tables come with its modules, so importing the features list
is enough: a new feature's tables need no line here. The core's own tables
(people, dialogs, the inbox and outbox) are listed beside it.
"""

from sqlmodel import SQLModel

import bot.features  # noqa: F401  (every feature, and with it its tables)
from bot.inbox import models as inbox_models  # noqa: F401
from bot.outbox import models as outbox_models  # noqa: F401
from bot.storage import models  # noqa: F401

metadata = SQLModel.metadata
