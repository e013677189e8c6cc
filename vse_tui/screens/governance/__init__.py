"""Governance (GO): the setup wizard, people's training."""
