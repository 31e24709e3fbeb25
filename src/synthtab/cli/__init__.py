"""The ``synthtab`` command line (typer + rich); see :mod:`synthtab.cli.app`."""
