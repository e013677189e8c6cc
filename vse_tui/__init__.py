"""vse-tui: run a small IT service shop the ISO/IEC TR 29110-5-3 way, in the terminal."""
import importlib
from importlib.machinery import ModuleSpec

__version__ = "0.1.0"

import os as _os
import sys as _sys

# We use no pydantic plugins; saying so spares every start the scan of installed packages'
# entry points that pydantic does before it builds the first model.
_os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


class _NoPluginLoader:
    """pydantic reads that setting only after importing its plugin loader, and that module imports
    importlib.metadata (with email, zipfile and csv: 15-20 ms, a tenth of `vse-tui incident add`)
    for the scan it will then skip. While plugins are off, this import hook gives pydantic a small
    loader that answers "no plugins"; any other name asked of it loads pydantic's own module, so
    a pydantic whose loader changed still gets what it needs."""

    NAME = "pydantic.plugin._loader"

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != cls.NAME or _os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true"):
            return None

        return ModuleSpec(name, cls)  # type: ignore[arg-type]  # the class is the loader: its methods are class methods

    @staticmethod
    def create_module(spec):
        return None  # a plain module, filled in below

    @classmethod
    def exec_module(cls, module) -> None:
        module.get_plugins = lambda: ()

        def real(name: str):
            if name.startswith("__"):
                raise AttributeError(name)
            if cls in _sys.meta_path:
                _sys.meta_path.remove(cls)
            if _sys.modules.get(cls.NAME) is module:
                del _sys.modules[cls.NAME]

            return getattr(importlib.import_module(cls.NAME), name)

        module.__getattr__ = real


if _NoPluginLoader not in _sys.meta_path:
    _sys.meta_path.insert(0, _NoPluginLoader)
