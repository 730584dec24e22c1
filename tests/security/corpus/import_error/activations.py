"""Imports a package the grader does not have."""

import tensorflow_is_not_installed_here  # noqa: F401
