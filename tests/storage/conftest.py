from tests.storage.migrations import empty_database_url  # noqa: F401  (a fixture)
