"""Rosters (花名册): the rows of the export."""
