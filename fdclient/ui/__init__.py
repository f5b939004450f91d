"""The Qt user interface: the only package (with :mod:`fdclient.app`) that imports PySide6.

Widgets get plain dataclasses from :mod:`fdclient.services`, never ORM objects, and write
nothing to the database themselves.
"""
