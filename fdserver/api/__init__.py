"""The HTTP endpoints under ``/api/v1`` (one router per subject), mounted by fdserver.app."""
