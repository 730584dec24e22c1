"""Raises while the module is being imported."""

raise RuntimeError("configuration file not found")
