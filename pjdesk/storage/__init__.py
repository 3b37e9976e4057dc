"""The only place with SQL: opening the file, migrations, the single write path and the queries."""

from .database import Store, open_store

__all__ = ["Store", "open_store"]
