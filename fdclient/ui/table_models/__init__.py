"""Table models for big lists: they keep ids and load rows lazily; sorting and filtering run
in SQL (after Anki's browser table)."""
