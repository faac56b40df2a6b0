"""A small JSON-schema (2020-12) checker for the keywords pydantic's schemas use.

The tests validate the example agreement files against
``Agreement.json_schema()`` without depending on the ``jsonschema`` package
(when it is installed, the tests use it too). Supported: ``$ref`` to
``#/$defs``, type, properties, required, additionalProperties, items,
prefixItems, enum, const, anyOf, oneOf, allOf, minimum, maximum,
exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern,
minItems, maxItems. Unknown keywords (format, discriminator, title, ...) are
ignored, as JSON Schema says.
"""

from __future__ import annotations

import re
from typing import Any

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def errors(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    """Every violation of ``schema`` by ``value``, as 'path: problem' texts."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        found = errors(value, root["$defs"][name], root, path)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return found + (errors(value, rest, root, path) if rest else [])
    out: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(value, k) for k in kinds):
            return [f"{path}: {value!r} is not of type {kind}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} is not one of {schema['enum']}")
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            matches = [not errors(value, s, root, path) for s in schema[keyword]]
            if keyword == "anyOf" and not any(matches):
                out.append(f"{path}: {value!r} matches none of anyOf")
            if keyword == "oneOf" and sum(matches) != 1:
                out.append(f"{path}: {value!r} matches {sum(matches)} of oneOf")
    for sub in schema.get("allOf", []):
        out += errors(value, sub, root, path)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > maximum {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            out.append(f"{path}: {value} <= exclusiveMinimum {schema['exclusiveMinimum']}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            out.append(f"{path}: {value} >= exclusiveMaximum {schema['exclusiveMaximum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            out.append(f"{path}: {value!r} is too short")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{path}: {value!r} is too long")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{path}: {value!r} does not match {schema['pattern']!r}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{path}: more than {schema['maxItems']} items")
        prefix = schema.get("prefixItems", [])
        for number, item in enumerate(value):
            if number < len(prefix):
                out += errors(item, prefix[number], root, f"{path}[{number}]")
            elif isinstance(schema.get("items"), dict):
                out += errors(item, schema["items"], root, f"{path}[{number}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                out.append(f"{path}: {name!r} is required")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            where = f"{path}.{name}"
            if name in properties:
                out += errors(item, properties[name], root, where)
            elif extra is False:
                out.append(f"{path}: {name!r} is not allowed")
            elif isinstance(extra, dict):
                out += errors(item, extra, root, where)
            if "propertyNames" in schema:
                out += errors(name, schema["propertyNames"], root, f"{where} (name)")
    return out
