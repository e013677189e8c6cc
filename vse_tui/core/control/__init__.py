"""Service Control (CO): changes from request to review, the schedule, configuration items."""
