"""Evidence: the map of the 40 tasks, why a task is not done, the audit check."""
