"""Printed documents (PDF, ReportLab): contract forms, contact cards, walking lists."""
