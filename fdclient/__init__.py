"""fdclient: offline-first desktop client for the family doctor contract service."""

__version__ = "0.1.0"
