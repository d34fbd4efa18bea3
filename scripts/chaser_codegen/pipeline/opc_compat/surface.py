"""Every internal of openapi-python-client this package touches, with what it relies on.

`check(internal)` compares one entry with the installed openapi-python-client and says what
differs; tests/pipeline/test_opc_compat.py runs it over `INTERNALS`, so an upgrade that moves,
renames or re-signs any of them fails there, by name, before any generation runs. Signatures are
compared by their parameters (names, kinds, defaults), not by the spelling of annotations.
Templates are compared by the sha256 of upstream's file: an override is a copy of upstream's
with a change, so a new upstream template has to be merged into it by hand.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import inspect
from dataclasses import dataclass
from importlib import resources
from typing import Any

import attr


@dataclass(frozen=True)
class Internal:
    """One thing of openapi-python-client we replace, subclass, call or read."""

    where: str  # "module:attribute.attribute" or "templates:<file>"
    kind: str  # function | staticmethod | classmethod | fields | same-object | template | module-attribute
    expected: str  # the parameters, the field names, the object it must be, or the sha256
    why: str  # the patch or caller that relies on it


INTERNALS: tuple[Internal, ...] = (
    Internal("openapi_python_client:__version__", "module-attribute", "0.29.1", "every patch below"),
    # endpoint-copies
    Internal(
        "openapi_python_client.parser.openapi:deepcopy", "same-object", "copy:deepcopy", "endpoint-copies"
    ),
    Internal(
        "openapi_python_client.parser.openapi:Endpoint",
        "fields",
        "path method description name requires_security tags summary relative_imports query_parameters "
        "path_parameters header_parameters cookie_parameters responses bodies errors",
        "endpoint-copies copies each list field; unset-import-for-body-unions adds to relative_imports",
    ),
    Internal(
        "openapi_python_client.parser.responses:Responses", "fields", "patterns default", "endpoint-copies"
    ),
    # unset-means-absent
    Internal(
        "openapi_python_client.parser.properties.protocol:PropertyProtocol.to_string",
        "function",
        "(self)",
        "unset-means-absent",
    ),
    # distinct-parameter-names
    Internal(
        "openapi_python_client.parser.openapi:Endpoint._check_parameters_for_conflicts",
        "function",
        "(self, *, config, previously_modified_params=None)",
        "distinct-parameter-names",
    ),
    Internal(
        "openapi_python_client.parser.openapi:Endpoint.iter_all_parameters",
        "function",
        "(self)",
        "distinct-parameter-names, template-local-names",
    ),
    Internal(
        "openapi_python_client.parser.properties.protocol:PropertyProtocol.set_python_name",
        "function",
        "(self, new_name, config, skip_snake_case=False)",
        "distinct-parameter-names, template-local-names",
    ),
    # repeated-path-placeholder
    Internal(
        "openapi_python_client.parser.openapi:Endpoint.sort_parameters",
        "staticmethod",
        "(*, endpoint)",
        "repeated-path-placeholder",
    ),
    # same-model-once
    Internal(
        "openapi_python_client.parser.properties.model_property:ModelProperty.build",
        "classmethod",
        "(*, data, name, schemas, required, parent_name, config, process_properties, roots)",
        "same-model-once",
    ),
    Internal(
        "openapi_python_client.parser.properties.schemas:Schemas",
        "fields",
        "classes_by_reference dependencies classes_by_name models_to_process errors",
        "same-model-once reads classes_by_name",
    ),
    # union-member-cause: one function, imported by name into four modules
    Internal(
        "openapi_python_client.parser.properties:property_from_data",
        "function",
        "(name, required, data, schemas, parent_name, config, process_properties=True, roots=None)",
        "union-member-cause",
    ),
    *(
        Internal(
            f"openapi_python_client.parser.{module}:property_from_data",
            "same-object",
            "openapi_python_client.parser.properties:property_from_data",
            "union-member-cause patches each module's reference",
        )
        for module in ("bodies", "responses", "openapi")
    ),
    # extension-responses
    Internal(
        "openapi_python_client.parser.openapi:EndpointCollection",
        "fields",
        "tag endpoints parse_errors",
        "extension-responses filters parse_errors",
    ),
    # the parse and the settings
    Internal(
        "openapi_python_client.parser.openapi:GeneratorData.from_dict",
        "staticmethod",
        "(data, *, config)",
        "parse_document",
    ),
    Internal(
        "openapi_python_client.config:Config.from_sources",
        "staticmethod",
        "(config_file, meta_type, document_source, file_encoding, overwrite, output_path)",
        "make_config",
    ),
    Internal(
        "openapi_python_client.strings:get_content_type",
        "function",
        "(content_type, config)",
        "the content-type repairs",
    ),
    Internal("openapi_python_client.strings:snake_case", "function", "(value)", "names.snake"),
    # the Project: model-render-split, models-init-names
    Internal(
        "openapi_python_client:Project.__init__",
        "function",
        "(self, *, openapi, config, custom_template_path=None)",
        "render_package",
    ),
    Internal(
        "openapi_python_client:Project._build_models", "function", "(self)", "LowLevelProject overrides it"
    ),
    Internal("openapi_python_client:Project.build", "function", "(self)", "render_package"),
    Internal(
        "openapi_python_client.parser.openapi:GeneratorData",
        "fields",
        "title description version models errors endpoint_collections_by_tag enums",
        "the models' worker gets the parse without its models, enums and endpoints",
    ),
    Internal(
        "openapi_python_client.strings:PythonIdentifier.__new__",
        "staticmethod",
        "(cls, value, prefix, skip_snake_case=False)",
        "pickle_models sends a PythonIdentifier as the str it is (its constructor re-derives it)",
    ),
    Internal(
        "openapi_python_client.strings:ClassName.__new__",
        "staticmethod",
        "(cls, value, prefix)",
        "pickle_models sends a ClassName as the str it is",
    ),
    Internal(
        "openapi_python_client.schema:Schema",
        "same-object",
        "openapi_python_client.schema.openapi_schema_pydantic.schema:Schema",
        "pickle_models drops the parsed schemas (no template reads them)",
    ),
    Internal(
        "openapi_python_client.parser.openapi:import_string_from_class",
        "function",
        "(class_, prefix='')",
        "LowLevelProject sorts the models' names by their import",
    ),
    # templates: ours are upstream's with a change; upstream's we render or work around
    Internal(
        "templates:models_init.py.jinja",
        "template",
        "4f64a3d6e1b15a561be5573c1b7702eb928c0e4fa6b67107d20e57a74c44d51a",
        "overridden (lazy-models-init)",
    ),
    Internal(
        "templates:literal_enum.py.jinja",
        "template",
        "04f2eb9334dd543ab7fa91a1fe3a73e7d5f2cf50e09d864429ddb58e506c8b68",
        "overridden (open-literal-enums)",
    ),
    Internal(
        "templates:property_templates/union_property.py.jinja",
        "template",
        "03790f2710deaeb219c18e518ae183ad4a41eda1f78cf625d139edff7546cd26",
        "overridden (optional-union-body)",
    ),
    Internal(
        "templates:property_templates/boolean_property.py.jinja",
        "template",
        "df1821adba9279487e424d6f75a59bfd1c4638136385f2857fd1013a630e0735",
        "overridden (multipart-booleans)",
    ),
    Internal(
        "templates:model.py.jinja",
        "template",
        "fd1c79680d51c06cfbb89809ad123750ba9add98b688036c04cabbf1f8ba40a0",
        "LowLevelProject renders it in a second process",
    ),
    Internal(
        "templates:endpoint_module.py.jinja",
        "template",
        "c1b2628053eb4875ba59566baa5ae907666f9cbfafa308d93f970a4404b7cd52",
        "template-local-names and unset-import-for-body-unions work around its locals and imports",
    ),
)


def resolve(where: str) -> Any:
    """The object `module:attribute.attribute` names, as the class holds it (no binding)."""
    module_name, _, dotted = where.partition(":")
    value: Any = importlib.import_module(module_name)
    for part in dotted.split("."):
        value = inspect.getattr_static(value, part) if inspect.isclass(value) else getattr(value, part)
    return value


def parameters(function: Any) -> str:
    """A signature without annotations: `(self, *, config, option=None)`."""
    bare = [
        parameter.replace(annotation=inspect.Parameter.empty)
        for parameter in inspect.signature(function).parameters.values()
    ]
    return str(inspect.Signature(bare))


def check(internal: Internal) -> str | None:
    """What differs between `internal` and the installed openapi-python-client, or None."""
    if internal.kind == "template":
        path = resources.files("openapi_python_client") / "templates" / internal.where.partition(":")[2]
        if not path.is_file():
            return f"{internal.where}: upstream has no such template any more"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return None if digest == internal.expected else f"{internal.where}: upstream's template changed"
    try:
        value = resolve(internal.where)
    except (ImportError, AttributeError) as error:
        return f"{internal.where}: gone ({error})"
    if internal.kind == "module-attribute":
        found = str(value)
    elif internal.kind == "same-object":
        return (
            None
            if value is resolve(internal.expected)
            else f"{internal.where}: no longer {internal.expected}"
        )
    elif internal.kind == "fields":
        fields = attr.fields(value) if attr.has(value) else dataclasses.fields(value)
        found = " ".join(f.name for f in fields)
    else:
        wrappers = {"staticmethod": staticmethod, "classmethod": classmethod, "function": type(check)}
        if not isinstance(value, wrappers[internal.kind]):
            return f"{internal.where}: no longer a {internal.kind} ({type(value).__name__})"
        found = parameters(getattr(value, "__func__", value))
        if internal.kind == "classmethod":
            found = found.replace("(cls, ", "(", 1)
    return (
        None if found == internal.expected else f"{internal.where}: {found} (we rely on {internal.expected})"
    )
