"""The metrics oracle: generated history built through the real services (``generate``) and
every built-in metric recomputed in plain Python from its rows (``compute``), written from the
issue's definitions alone, independently of the SQL engine it checks."""
