"""The build: paths -> documents -> facts -> entities -> graph, one document at a time, in
this process, in worker processes or on a Dask cluster; incremental builds over a store.

`from kg.build import build` is the library's one entry point (`driver.build`); it is imported
on first use, so importing the package does no work.
"""

__all__ = ["build", "BuildReport", "discover"]


def __getattr__(name: str):
    if name in __all__:
        from . import driver

        return getattr(driver, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
