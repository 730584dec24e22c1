"""The function was deleted (or renamed)."""

del relu  # noqa: F821
