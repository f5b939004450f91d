"""Shared test scaffolding: the store scene (real encrypted stores in temporary folders)
and the builders of valid domain rows. Import as ``from helpers import builders, scene``."""
