"""Storage: SQLModel tables, async sessions and migrations. The source of truth."""
