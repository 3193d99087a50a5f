"""Renders the Helm chart's templates with the subset of Go templates and Sprig functions they use.

`helm` is not installable from the package registries this project uses, so the tests render the chart
here. Anything outside the subset (an unknown function, a missing value, an unclosed block) raises, so a
template that would need more than this renders nothing rather than something wrong.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.DOTALL)


class TemplateError(Exception):
    """The template uses something this renderer does not know, or names a value that is not there."""


@dataclass
class Node:
    kind: str  # "text", "action", "if", "range", "define"
    value: str = ""
    body: list[Node] = field(default_factory=list)
    otherwise: list[Node] = field(default_factory=list)


def _tokens(source: str) -> Iterator[tuple[str, str]]:
    """("text", …) and ("action", …) pieces, with `{{-` and `-}}` trimming the whitespace beside them."""
    pieces: list[tuple[str, str]] = []
    position = 0
    trim_next = False
    for match in ACTION.finditer(source):
        text = source[position : match.start()]
        if trim_next:
            text = text.lstrip()
        if match.group(1):
            text = text.rstrip()
        pieces.append(("text", text))
        pieces.append(("action", match.group(2)))
        trim_next = bool(match.group(3))
        position = match.end()
    tail = source[position:]
    pieces.append(("text", tail.lstrip() if trim_next else tail))
    yield from pieces


def parse(source: str) -> list[Node]:
    root: list[Node] = []
    stack: list[tuple[Node, list[Node]]] = []
    current = root
    for kind, value in _tokens(source):
        if kind == "text":
            current.append(Node("text", value))
            continue
        word, _, rest = value.partition(" ")
        if word in ("if", "range", "define"):
            node = Node(word, rest.strip())
            current.append(node)
            stack.append((node, current))
            current = node.body
        elif word == "else":
            if not stack or stack[-1][0].kind not in ("if", "range"):
                raise TemplateError("else outside if or range")
            current = stack[-1][0].otherwise
        elif word == "end":
            if not stack:
                raise TemplateError("end without a block")
            _, current = stack.pop()
        elif value.startswith("/*"):
            continue
        else:
            current.append(Node("action", value))
    if stack:
        raise TemplateError(f"unclosed {stack[-1][0].kind} {stack[-1][0].value}")
    return root


def _truthy(value: object) -> bool:
    return value not in (None, False, 0, "") and not (isinstance(value, list | dict) and not value)


def to_yaml(value: object) -> str:
    if value in ({}, []):
        return json.dumps(value)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(value, out)
    return out.getvalue().rstrip("\n")


@dataclass
class Chart:
    """A chart folder: its templates, Chart.yaml and values.yaml."""

    folder: Path
    defines: dict[str, list[Node]] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        loaded: dict[str, Any] = YAML(typ="safe", pure=True).load((self.folder / "Chart.yaml").read_text())
        return loaded

    def values(self) -> dict[str, Any]:
        loaded: dict[str, Any] = YAML(typ="safe", pure=True).load((self.folder / "values.yaml").read_text())
        return loaded

    def render(self, release: str, overrides: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Every template's output by file name, as `helm template RELEASE --set …` would give it."""
        chart = self.metadata()
        root = {
            "Values": _merged(self.values(), dict(overrides or {})),
            "Release": {"Name": release, "Namespace": "default", "Service": "Helm"},
            "Chart": {"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"]},
        }
        templates = sorted((self.folder / "templates").iterdir())
        trees = {path.name: parse(path.read_text()) for path in templates}
        for tree in trees.values():
            for node in tree:
                if node.kind == "define":
                    self.defines[json.loads(node.value)] = node.body
        return {
            name: self._render(tree, root, root) for name, tree in trees.items() if not name.startswith("_")
        }

    def _render(self, nodes: list[Node], dot: Any, root: Any) -> str:
        out: list[str] = []
        for node in nodes:
            if node.kind == "text":
                out.append(node.value)
            elif node.kind == "action":
                out.append(_text(self._pipeline(node.value, dot, root)))
            elif node.kind == "if":
                chosen = node.body if _truthy(self._pipeline(node.value, dot, root)) else node.otherwise
                out.append(self._render(chosen, dot, root))
            elif node.kind == "range":
                items = self._pipeline(node.value, dot, root)
                if not isinstance(items, list):
                    raise TemplateError(f"range over {items!r}, not a list")
                for item in items:
                    out.append(self._render(node.body, item, root))
                if not items:
                    out.append(self._render(node.otherwise, dot, root))
        return "".join(out)

    def _pipeline(self, expression: str, dot: Any, root: Any) -> Any:
        value: Any = _NOTHING
        for command in _split_pipes(expression):
            words = shlex.split(command, posix=False)
            if not words:
                raise TemplateError(f"empty command in {expression!r}")
            head, args = words[0], [self._argument(w, dot, root) for w in words[1:]]
            if value is not _NOTHING:
                args.append(value)
            if head in self._functions():
                value = self._functions()[head](*args)
            elif not args:
                value = self._argument(head, dot, root)
            else:
                raise TemplateError(f"unknown function {head!r} in {expression!r}")
        return value

    def _argument(self, word: str, dot: Any, root: Any) -> Any:
        if word.startswith('"'):
            return json.loads(word)
        if re.fullmatch(r"-?\d+", word):
            return int(word)
        if word in (".", "$"):
            return dot if word == "." else root
        if word.startswith(("$.", ".")):
            target = root if word.startswith("$") else dot
            for key in word.lstrip("$").strip(".").split("."):
                if not isinstance(target, dict) or key not in target:
                    raise TemplateError(f"no value {word}")
                target = target[key]
            return target
        raise TemplateError(f"cannot read {word!r}")

    def _functions(self) -> dict[str, Callable[..., Any]]:
        return {
            "include": lambda name, data: self._render(self.defines[name], data, data),
            "quote": lambda value: json.dumps(_text(value)),
            "default": lambda fallback, value=None: value if _truthy(value) else fallback,
            "trunc": lambda length, text: text[:length],
            "trimSuffix": lambda suffix, text: text.removesuffix(suffix),
            "toYaml": to_yaml,
            "toJson": lambda value: json.dumps(value, separators=(",", ":")),
            "nindent": lambda width, text: "\n" + _indent(width, text),
            "indent": _indent,
        }


_NOTHING = object()


def _indent(width: int, text: str) -> str:
    return "\n".join(" " * width + line for line in text.split("\n"))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _split_pipes(expression: str) -> list[str]:
    """The commands of a pipeline; a `|` inside a quoted string is not a pipe."""
    parts, current, quoted = [], "", False
    for char in expression:
        if char == '"':
            quoted = not quoted
        if char == "|" and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        known = merged.get(key)
        merged[key] = _merged(known, value) if isinstance(known, dict) and isinstance(value, dict) else value
    return merged


def documents(rendered: Mapping[str, str]) -> list[dict[str, Any]]:
    """The Kubernetes objects in the rendered YAML templates."""
    yaml = YAML(typ="safe", pure=True)
    found: list[dict[str, Any]] = []
    for name, text in rendered.items():
        if name.endswith(".yaml"):
            found += [document for document in yaml.load_all(text) if document]
    return found
