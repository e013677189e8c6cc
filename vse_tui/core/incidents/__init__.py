"""Service Incident (IN): logging, the IN.2 flow, lists, targets and service hours."""
