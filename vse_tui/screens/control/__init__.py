"""Service Control (CO): changes, configuration items, the calendar."""
