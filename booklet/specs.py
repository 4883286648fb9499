"""Small declarative specs for YAML data: they check a value and describe it as JSON Schema.

One spec is the single source for both, so the schema an editor uses and the checks `booklet`
runs can never drift apart. A failed check raises `Invalid` with the field path and a plain
sentence saying what was expected and how to fix it.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID_RE = re.compile(ID_PATTERN)


class Invalid(Exception):
    """A value does not fit its spec; `path` is like `body[3].bullets[0]`."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path or '(top level)'}: {message}")
        self.path = path
        self.message = message


def join(path: str, key: str | int) -> str:
    """Extend a field path with a key or list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe(value: Any) -> str:
    """Name a YAML value's kind the way a content editor would."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return type(value).__name__


class Spec:
    """Base class: `check` returns the cleaned value, `schema` the JSON Schema fragment."""

    description = ""

    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError

    def _with_description(self, schema: dict) -> dict:
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass
class Text(Spec):
    """A string; `one_line` forbids line breaks, `max_length` caps its length."""

    description: str = ""
    one_line: bool = False
    max_length: int | None = None
    pattern: str | None = None
    pattern_hint: str = ""

    def check(self, value, path):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Invalid(path, f"expected text, got {describe(value)}. Fix: write the text"
                                f"{' (' + self.description + ')' if self.description else ''}.")
        value = unicodedata.normalize("NFC", value.strip())
        if not value:
            raise Invalid(path, "is empty. Fix: write the text or remove the field.")
        if self.one_line and "\n" in value:
            raise Invalid(path, "must be one line. Fix: remove the line breaks.")
        if self.max_length and len(value) > self.max_length:
            raise Invalid(path, f"is {len(value)} characters long; the most is {self.max_length}."
                                " Fix: shorten it.")
        if self.pattern and not re.match(self.pattern, value):
            raise Invalid(path, f"'{value}' is not valid: {self.pattern_hint}.")
        return value

    def schema(self):
        s: dict = {"type": "string", "minLength": 1}
        if self.max_length:
            s["maxLength"] = self.max_length
        if self.pattern:
            s["pattern"] = self.pattern
        return self._with_description(s)


def Id(description: str = "an id: lower case words joined by hyphens") -> Text:
    """Text that must look like `somatostatin-analogs`."""
    return Text(description=description, one_line=True, pattern=ID_PATTERN,
                pattern_hint="use lower case letters and digits joined by hyphens, like 'key-points'")


@dataclass
class Date(Spec):
    """A calendar date written as YYYY-MM-DD."""

    description: str = "a date, YYYY-MM-DD"

    def check(self, value, path):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise Invalid(path, f"expected a date like 2026-11-23, got {describe(value)}."
                            " Fix: write the date as YYYY-MM-DD.")

    def schema(self):
        return self._with_description({"type": "string", "format": "date"})


_URL = r"^(https?://)?([a-z0-9-]+\.)+[a-z]{2,}(/\S*)?$"


@dataclass
class Url(Spec):
    """A web address; `https://` may be left off (it is added), as in `cancer.gov/types`."""

    description: str = "a web address, like cancer.gov/types or https://example.org/page"

    def check(self, value, path):
        text = Text().check(value, path)
        if not re.match(_URL, text, re.IGNORECASE):
            raise Invalid(path, f"'{text}' is not a web address. Fix: write it like"
                                " example.org/page or https://example.org/page.")
        return text if re.match(r"^https?://", text) else f"https://{text}"

    def schema(self):
        return self._with_description({"type": "string", "pattern": _URL})


@dataclass
class Number(Spec):
    """A number, optionally limited to a range or a set of choices."""

    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()

    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(path, f"expected a number, got {describe(value)}.")
        if self.choices and value not in self.choices:
            allowed = ", ".join(str(c) for c in self.choices)
            raise Invalid(path, f"{value} is not allowed. Fix: use one of {allowed}.")
        if self.minimum is not None and value < self.minimum:
            raise Invalid(path, f"{value} is below the smallest allowed, {self.minimum}.")
        if self.maximum is not None and value > self.maximum:
            raise Invalid(path, f"{value} is above the largest allowed, {self.maximum}.")
        return value

    def schema(self):
        s: dict = {"type": "number"}
        if self.choices:
            s["enum"] = list(self.choices)
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        return self._with_description(s)


@dataclass
class Choice(Spec):
    """One of a fixed set of words."""

    choices: tuple = ()
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, str) or value.strip().lower() not in self.choices:
            shown = value if isinstance(value, str) else describe(value)
            raise Invalid(path, f"'{shown}' is not allowed{did_you_mean(shown, self.choices)}."
                                f" Fix: use one of {', '.join(self.choices)}.")
        return value.strip().lower()

    def schema(self):
        return self._with_description({"type": "string", "enum": list(self.choices)})


@dataclass
class Boolean(Spec):
    """true or false."""

    description: str = "true or false"

    def check(self, value, path):
        if not isinstance(value, bool):
            raise Invalid(path, f"expected true or false, got {describe(value)}."
                                " Fix: write true or false.")
        return value

    def schema(self):
        return self._with_description({"type": "boolean"})


@dataclass
class ListOf(Spec):
    """A list whose items all fit `item`."""

    item: Spec = field(default_factory=Text)
    description: str = ""
    min_items: int = 0
    unique: bool = False
    max_items: int | None = None

    def check(self, value, path):
        if not isinstance(value, list):
            raise Invalid(path, f"expected a list, got {describe(value)}."
                                " Fix: put each item on its own line starting with '- '.")
        if len(value) < self.min_items:
            raise Invalid(path, f"needs at least {self.min_items} item"
                                f"{'s' if self.min_items > 1 else ''}.")
        if self.max_items is not None and len(value) > self.max_items:
            raise Invalid(path, f"has {len(value)} items; the most is {self.max_items}."
                                " Fix: keep the most important ones.")
        items = [self.item.check(v, join(path, i)) for i, v in enumerate(value)]
        if self.unique:
            seen = set()
            for i, v in enumerate(items):
                if v in seen:
                    raise Invalid(join(path, i), f"'{v}' is listed twice. Fix: remove one.")
                seen.add(v)
        return items

    def schema(self):
        s: dict = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            s["minItems"] = self.min_items
        if self.max_items is not None:
            s["maxItems"] = self.max_items
        if self.unique:
            s["uniqueItems"] = True
        return self._with_description(s)


@dataclass
class MapOf(Spec):
    """A mapping whose keys all fit `key` and whose values all fit `value` (keys are free)."""

    key: Text = field(default_factory=Text)
    value: Spec = field(default_factory=Text)
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, dict):
            raise Invalid(path, f"expected a set of 'name: value' lines, got {describe(value)}.")
        cleaned = {}
        for name, inner in value.items():
            where = join(path, str(name))
            cleaned[self.key.check(name, where)] = self.value.check(inner, where)
        return cleaned

    def schema(self):
        key = {k: v for k, v in self.key.schema().items() if k in ("pattern", "maxLength")}
        s: dict = {"type": "object", "additionalProperties": self.value.schema()}
        if key:
            s["propertyNames"] = key
        return self._with_description(s)


@dataclass
class Field:
    """One named field of a Record."""

    spec: Spec
    required: bool = True


@dataclass
class Record(Spec):
    """A mapping with known fields; unknown fields are refused with a did-you-mean."""

    fields: dict[str, Field] = field(default_factory=dict)
    description: str = ""
    build: Callable[..., Any] | None = None

    def check(self, value, path):
        if not isinstance(value, dict):
            names = ", ".join(self.fields)
            raise Invalid(path, f"expected a set of fields ({names}), got {describe(value)}.")
        for key in value:
            if key not in self.fields:
                raise Invalid(join(path, str(key)),
                              f"unknown field{did_you_mean(key, self.fields)}."
                              f" Fix: use one of {', '.join(self.fields)}.")
        cleaned = {}
        for name, f in self.fields.items():
            if name not in value or value[name] is None:
                if f.required:
                    what = f" ({f.spec.description})" if f.spec.description else ""
                    raise Invalid(join(path, name), f"is missing. Fix: add '{name}:'{what}.")
                continue
            cleaned[name] = f.spec.check(value[name], join(path, name))
        return self.build(**cleaned) if self.build else cleaned

    def schema(self):
        s = {
            "type": "object",
            "properties": {name: f.spec.schema() for name, f in self.fields.items()},
            "additionalProperties": False,
        }
        required = [name for name, f in self.fields.items() if f.required]
        if required:
            s["required"] = required
        return self._with_description(s)


@dataclass
class OneOfKeys(Spec):
    """A mapping with exactly one key, which picks the kind (used for body blocks)."""

    kinds: dict[str, Spec] = field(default_factory=dict)
    noun: str = "kind"
    build: Callable[[str, Any], Any] | None = None
    description: str = ""

    def check(self, value, path):
        kinds = ", ".join(self.kinds)
        if not isinstance(value, dict) or len(value) != 1:
            raise Invalid(path, f"expected one {self.noun} written as '<{self.noun}>: ...',"
                                f" got {describe(value)}. Fix: use one of {kinds}.")
        ((kind, inner),) = value.items()
        if kind not in self.kinds:
            raise Invalid(path, f"unknown {self.noun} '{kind}'{did_you_mean(kind, self.kinds)}."
                                f" Fix: use one of {kinds}.")
        cleaned = self.kinds[kind].check(inner, join(path, kind))
        return self.build(kind, cleaned) if self.build else {kind: cleaned}

    def schema(self):
        return self._with_description({
            "oneOf": [
                {"type": "object", "properties": {k: s.schema()}, "required": [k],
                 "additionalProperties": False}
                for k, s in self.kinds.items()
            ]
        })


@dataclass
class AnyOf(Spec):
    """The first of several specs that accepts the value (e.g. 'all' or a list of ids)."""

    options: tuple = ()
    description: str = ""
    hint: str = ""

    def check(self, value, path):
        errors = []
        for option in self.options:
            try:
                return option.check(value, path)
            except Invalid as error:
                errors.append(error)
        if self.hint or not errors:
            raise Invalid(path, self.hint or "is not valid.")
        # the option that got furthest into the value names the field at fault
        raise max(reversed(errors), key=lambda error: len(error.path))

    def schema(self):
        return self._with_description({"anyOf": [o.schema() for o in self.options]})


@dataclass
class Const(Spec):
    """Exactly one word, such as `all`."""

    word: str = ""
    description: str = ""

    def check(self, value, path):
        if value != self.word:
            raise Invalid(path, f"expected '{self.word}'.")
        return value

    def schema(self):
        return self._with_description({"const": self.word})
