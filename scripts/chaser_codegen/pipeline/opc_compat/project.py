"""openapi-python-client's Project, as the low-level package is rendered with it.

Two overrides of its private `_build_models`:
- model-render-split: the models of a large spec are rendered in two processes (rendering models
  is most of its time, one template call per model with no shared state);
- models-init-names: the models' `__init__` (our models_init.py.jinja override, which imports
  each model lazily) is given each model's name and module as data, where upstream's template
  receives only import strings ("from .<module> import <Name>") that it would have to split.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from pathlib import Path
from typing import Any

from openapi_python_client import Project
from openapi_python_client.parser.openapi import import_string_from_class

from ...errors import PipelineError

# Below this many models, a second process costs more than it saves.
PARALLEL_MODELS = 400


class LowLevelProject(Project):
    """openapi-python-client's Project, rendering the models of a large spec in two processes.

    A forked child renders three fifths of them into a directory of its own (the parent has the
    enums and the endpoint modules to render too), and its files join the parent's before the
    models' `__init__` (which names them all) is rendered.
    """

    parallel_models = PARALLEL_MODELS

    def _build_models(self) -> None:
        models = list(self.openapi.models)
        models_dir = self.package_dir / "models"
        if len(models) < self.parallel_models or not hasattr(os, "fork"):
            super()._build_models()
        else:
            mine, theirs = models[: len(models) * 2 // 5], models[len(models) * 2 // 5 :]
            with tempfile.TemporaryDirectory(prefix="chaser-models-") as spare:
                child = os.fork()
                if child == 0:
                    os._exit(self._render_models_into(theirs, Path(spare)))
                self.openapi.models = mine
                try:
                    super()._build_models()
                finally:
                    self.openapi.models = models
                    _, status = os.waitpid(child, 0)
                if status != 0:
                    raise PipelineError("low-level", "rendering the models in a second process failed")
                for path in Path(spare).iterdir():
                    path.replace(models_dir / path.name)
        classes = [model.class_info for model in models] + [enum.class_info for enum in self.openapi.enums]
        # Sorted as upstream's template sorts its import strings, so that the order of the
        # names follows the order of their imports.
        named = sorted(classes, key=import_string_from_class)
        (models_dir / "__init__.py").write_text(
            self.env.get_template("models_init.py.jinja").render(
                imports=[import_string_from_class(info) for info in classes],
                alls=[info.name for info in classes],
                models=[{"name": str(info.name), "module": str(info.module_name)} for info in named],
            ),
            encoding=self.config.file_encoding,
        )

    def _render_models_into(self, models: list[Any], folder: Path) -> int:
        """In the forked child: the exit status (what failed is printed to stderr)."""
        try:
            template = self.env.get_template("model.py.jinja")
            for model in models:
                (folder / f"{model.class_info.module_name}.py").write_text(
                    template.render(model=model), encoding=self.config.file_encoding
                )
            return 0
        except BaseException:
            traceback.print_exc()
            return 1
