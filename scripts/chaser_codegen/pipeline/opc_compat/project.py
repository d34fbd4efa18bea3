"""openapi-python-client's Project, as the low-level package is rendered with it.

Two overrides of its private `_build_models` (the models-init-context patch):
- the models' `__init__` (our models_init.py.jinja override, which imports each model lazily) is
  given each model's name and module as data, where upstream's template receives only import
  strings ("from .<module> import <Name>") that it would have to split;
- the models of a large spec are rendered in two processes: rendering models is most of the
  Project's time, one template call per model with no shared state.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import multiprocessing
import os
import pickle
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Literal

from openapi_python_client import Project
from openapi_python_client import schema as oai
from openapi_python_client.config import Config
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import import_string_from_class
from openapi_python_client.strings import ClassName, PythonIdentifier

from ...errors import PipelineError
from .patches import rendering

# Below this many models, a second process costs more than it saves.
PARALLEL_MODELS = 400


def default_start_method() -> Literal["fork", "spawn"]:
    """How the pipeline's child processes start (the models' worker, the import check).

    `fork` on Linux: the child begins with openapi-python-client, httpx and the templates'
    bytecode loaded. `spawn` elsewhere: Windows has no fork, and on macOS Python itself defaults
    to spawn (system frameworks are not fork-safe). Everything a child needs travels by pickle
    either way, so the output is the same; CHASER_CODEGEN_START_METHOD=spawn forces spawn on Linux
    too (to test what Windows and macOS run)."""
    forced = os.environ.get("CHASER_CODEGEN_START_METHOD")
    if forced is not None:
        if forced not in ("fork", "spawn"):
            raise PipelineError(
                "low-level", f"CHASER_CODEGEN_START_METHOD={forced!r}: expected fork or spawn"
            )
        return "fork" if forced == "fork" else "spawn"
    return "fork" if sys.platform == "linux" else "spawn"


class LowLevelProject(Project):
    """openapi-python-client's Project, rendering the models of a large spec in two processes.

    A worker of a one-process pool renders three fifths of the models into a directory of its
    own (this process has the enums and the endpoint modules to render too), and its files join
    ours before the models' `__init__` (which names them all) is rendered.
    """

    parallel_models = PARALLEL_MODELS
    start_method: Literal["fork", "spawn"] = default_start_method()

    def __init__(
        self, *, openapi: GeneratorData, config: Config, custom_template_path: Path | None = None
    ) -> None:
        super().__init__(openapi=openapi, config=config, custom_template_path=custom_template_path)
        # Upstream builds its template loader from the path and keeps nothing of it; the worker
        # builds the same loader.
        self.custom_template_path = custom_template_path

    def _build_models(self) -> None:
        models = list(self.openapi.models)
        models_dir = self.package_dir / "models"
        if len(models) < self.parallel_models:
            super()._build_models()
        else:
            mine, theirs = models[: len(models) * 2 // 5], models[len(models) * 2 // 5 :]
            context = multiprocessing.get_context(self.start_method)
            with (
                tempfile.TemporaryDirectory(prefix="chaser-models-") as spare,
                ProcessPoolExecutor(max_workers=1, mp_context=context) as pool,
            ):
                job = pool.submit(
                    render_models,
                    pickle_models(theirs),
                    dataclasses.replace(
                        self.openapi, models=[], enums=[], errors=[], endpoint_collections_by_tag={}
                    ),
                    self.config,
                    self.custom_template_path,
                    self.env.bytecode_cache,
                    Path(spare),
                )
                self.openapi.models = mine
                try:
                    super()._build_models()
                finally:
                    self.openapi.models = models
                try:
                    job.result()
                except Exception as error:
                    raise PipelineError(
                        "low-level",
                        f"rendering the models in a second process failed: {type(error).__name__}: {error}",
                    ) from error
                for path in sorted(Path(spare).iterdir()):
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
            newline="\n",
        )


def _same_string(cls: type[str], value: str) -> str:
    return str.__new__(cls, value)


def _as_string(value: str) -> tuple[Any, tuple[type[str], str]]:
    return _same_string, (type(value), str(value))


def _dropped(_: object) -> tuple[type[None], tuple[()]]:
    return type(None), ()


def pickle_models(models: list[Any]) -> bytes:
    """The models, as a worker needs them to render.

    - PythonIdentifier and ClassName are str subclasses whose constructor re-derives the name
      from a raw value and a prefix: they travel as the string they already are.
    - The schema each property was parsed from (`data`, an `oai.Schema`) is for the parse only:
      no template reads it, and it is most of the bytes, so it travels as None.
    A per-pickler dispatch table: nothing changes for other pickling in the process."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {
        **copyreg.dispatch_table,
        PythonIdentifier: _as_string,
        ClassName: _as_string,
        oai.Schema: _dropped,
    }
    pickler.dump(models)
    return buffer.getvalue()


def render_models(
    models: bytes,
    openapi: GeneratorData,
    config: Config,
    custom_template_path: Path | None,
    bytecode_cache: Any,
    folder: Path,
) -> None:
    """In the worker: render each model into `folder`, with the environment the Project builds
    (`openapi` is the parse without its models and endpoints: the model template reads neither)."""
    project = LowLevelProject(openapi=openapi, config=config, custom_template_path=custom_template_path)
    project.env.bytecode_cache = bytecode_cache
    template = project.env.get_template("model.py.jinja")
    with rendering():
        for model in pickle.loads(models):
            (folder / f"{model.class_info.module_name}.py").write_text(
                template.render(model=model), encoding=config.file_encoding, newline="\n"
            )
