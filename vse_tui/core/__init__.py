"""The domain: the standard's model, records, lifecycles and rules. Never imports Textual."""
