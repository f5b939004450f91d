"""One small module per subject: each function runs a service through the task runner and
reports success, or marks the field the error names (after Anki's ``operations``)."""
