"""The metrics pages: manual metrics (their values, entry and import) and the organisation's
targets. Thin views: forms read the input, services write, ``access`` scopes every lookup."""
