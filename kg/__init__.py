"""kg: rule-based knowledge graphs from Chinese regional-development policy texts.

The public entry point is :func:`kg.build.build`; everything else is a stage it calls.
Importing this package does no work (no dictionaries, no logging setup).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
