"""Evidence: the map of the 40 tasks, approvals, the audit check, attachments, what is due."""
