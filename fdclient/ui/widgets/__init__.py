"""Widgets the pages share (search popup, resident record, signature pad, charts …)."""
