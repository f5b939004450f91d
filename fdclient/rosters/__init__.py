"""Rosters (签约居民花名册) in Excel: the export (:mod:`fdclient.rosters.export`), the column
names shared with the import (:mod:`fdclient.rosters.columns`)."""
