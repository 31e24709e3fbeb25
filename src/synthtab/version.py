"""The package version, read by the model files (a module of its own, so that nothing
below the public API imports the API to learn it)."""

__version__ = "0.1.0"
