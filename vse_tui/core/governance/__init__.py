"""Governance (GO): the guided setup, documents, roles and people."""
