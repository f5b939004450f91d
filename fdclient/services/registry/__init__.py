"""Households and residents: registration, forms, status changes and search."""
