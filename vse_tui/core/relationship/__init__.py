"""Service Relationship (RE): the catalogue's change control and the feedback log."""
