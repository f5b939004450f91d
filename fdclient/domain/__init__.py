"""Pure rules and code tables that need no database: identity numbers, validation,
key populations, follow-up rules, geography codes. The county server imports this package
without the store."""
