"""Service Incident (IN): the list, one incident, quick capture, imports."""
