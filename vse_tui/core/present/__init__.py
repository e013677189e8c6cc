"""How records are shown and typed by a person: fields, values in words, one incident as printed (no Textual)."""
