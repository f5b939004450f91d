"""fdserver: the county server that the laptops of a township sync with (docs/sync.md).

FastAPI over SQLAlchemy: PostgreSQL (psycopg 3) in production, a SQLite file as the
embedded default. It imports ``fdclient.domain``, ``fdclient.models`` (the definition of
every synced table) and ``fdclient.sync.protocol`` (the wire format), never the GUI.
"""

__version__ = "0.1.0"
