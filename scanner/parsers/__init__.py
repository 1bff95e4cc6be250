"""Parsers turn decoded text into the models that rules read. They judge nothing.

``MODELS`` maps a model name (a rule's ``model`` attribute) to its builder, imported on first use
so a run that never needs sqlglot or presidio never pays for importing them. A builder either reads
text, ``build(text, path)``, or reads an ``InputSource`` (``reads="source"``) when it must stream a
large input or needs settings. Either raises ``ParseError`` (or any exception, which the engine
records the same way) when the input cannot be parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.parsers.source import InputSource


@dataclass(frozen=True)
class ModelSpec:
    target: str  # "module:function"
    reads: str = "text"  # "text": build(text, path); "source": build(InputSource)


MODELS: dict[str, ModelSpec] = {
    "text": ModelSpec("scanner.parsers.text:build"),  # TextDocument: the text and its lines
    "strings": ModelSpec("scanner.parsers.strings:build"),  # list[StringSpan]: literal values
    "python": ModelSpec("scanner.parsers.python:build"),  # PythonModule: ast, qualified names
    # SchemaModel from SQL dumps (streamed) or ORM models, classified by scanner.enrich.pii.
    "schema": ModelSpec("scanner.parsers.schema:build", reads="source"),
    # ConfigDocument of the input's family (nginx, apache, pg-hba, ...): scanner.parsers.config.
    "config": ModelSpec("scanner.parsers.config:build", reads="source"),
    # TerraformConfig: resources, data sources, policies (python-hcl2, lines recovered).
    "terraform": ModelSpec("scanner.parsers.terraform:build"),
    # PolicySet: normalised IAM statements of a JSON policy file or of a Terraform file.
    "iam_policy": ModelSpec("scanner.parsers.iam_policy:build"),
    # KubernetesDocument: every object of a multi-document manifest, RBAC in a flat form.
    "kubernetes": ModelSpec("scanner.parsers.kubernetes:build"),
}


class ParseError(Exception):
    """An input could not be parsed into the model a rule needs."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def builder(model: str) -> Callable[..., Any]:
    module_name, _, attr = _spec(model).target.partition(":")
    return getattr(import_module(module_name), attr)


def streams(model: str) -> bool:
    return _spec(model).reads == "source"


def build_model(model: str, source: InputSource) -> Any:
    """Build ``model`` for ``source`` whatever the builder reads."""
    build = builder(model)
    return build(source) if streams(model) else build(source.text, source.path)


def _spec(model: str) -> ModelSpec:
    try:
        return MODELS[model]
    except KeyError:
        raise KeyError(f"no parser is registered for model {model!r}") from None
