"""What printed documents carry: use cases that gather the data of contract forms, contact
cards and walking lists as frozen dataclasses (the renderers in fdclient.documents draw
them), check the ``PRINT`` permission and record each print in the audit trail."""
