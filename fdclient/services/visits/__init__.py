"""Visit records (follow-ups, checks, home visits): recording, correcting, voiding."""
