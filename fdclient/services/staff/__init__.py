"""The health centre's villages, staff, teams and sign-in accounts."""
