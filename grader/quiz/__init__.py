"""The YAML quiz engine."""
