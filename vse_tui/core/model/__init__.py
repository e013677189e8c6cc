"""The standard as a model: the reference data, records, lifecycles, identities, look-ups."""
