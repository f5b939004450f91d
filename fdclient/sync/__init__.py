"""Synchronisation with the county server (ARCHITECTURE.md §4).

To come with the sync issue: ``protocol`` (the wire format shared with fdserver), outbox
capture, the hybrid logical clock, the httpx transport and the push/pull/apply engine.
The data model already carries what sync needs: client-generated UUIDv7 keys, a
``server_version`` base on every synced row, ``merged_into_id`` on residents, and voiding
instead of deletion. No Qt here.
"""
