"""Service Relationship (RE): feedback, the performance screen."""
