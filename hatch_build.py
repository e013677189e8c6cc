"""The build hook: the `.po` catalogues are compiled to `.mo` into the wheel (never stored in the
repository). It loads vse_tui/i18n/compile.py by its path, so building needs only the standard
library and hatchling."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueBuildHook(BuildHookInterface):
    PLUGIN_NAME = "catalogues"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        spec = importlib.util.spec_from_file_location("_vse_compile", root / "vse_tui" / "i18n" / "compile.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self._out = Path(tempfile.mkdtemp(prefix="vse-tui-mo-"))
        source = root / "vse_tui" / "i18n" / "locale"
        for mo in module.compile_all(source, self._out):
            build_data["force_include"][str(mo)] = "vse_tui/i18n/locale/" + mo.relative_to(self._out).as_posix()

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
