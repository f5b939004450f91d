"""Use cases and rules: pure rules (identity, validation, follow-up, key populations) and
services that take a Session and return frozen dataclasses. Nothing here imports Qt."""
