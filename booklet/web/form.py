"""The web form's fields -> a BookletRequest, with every problem named by the field at fault.

A patient's details are checked with the same field specs as a patient file (booklet.patient),
so a bad field gets the message the command line gives; then the checked fields become a
Patient through `patient_from_data`, as a file's do, so the PDF is the one `booklet build`
makes from the same details.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from ..patient import PATIENT, patient_from_data
from ..request import BookletRequest
from ..specs import Invalid

# The rows of each list a person fills in, their columns, and the most the form takes.
ROWS = {
    "care_team": (("role", "name", "phone"), 12),
    "visits": (("date", "time", "place", "purpose"), 20),
    "medicines": (("name", "for", "how"), 30),
}
ALL_SECTIONS = "all"


@dataclass
class FormValues:
    """What was typed and chosen, as strings, to fill the form in again."""

    ui: str = "en"
    preset: str = ""
    sections: list[str] = field(default_factory=list)
    format: str = "booklet"
    style: str = "default"
    lang: str = "en"
    paper: str = ""
    fillable: bool = False
    name: str = ""
    plan: list[str] = field(default_factory=list)
    notes: str = ""
    rows: dict[str, list[dict[str, str]]] = field(
        default_factory=lambda: {kind: [] for kind in ROWS})

    def padded(self, extra: dict[str, int] | None = None) -> dict[str, list[dict[str, str]]]:
        """Each list's rows with one empty row to type in (more after 'add a row')."""
        extra = extra or {}
        out = {}
        for kind, (columns, limit) in ROWS.items():
            rows = list(self.rows[kind])
            wanted = max(1, len(rows) + extra.get(kind, 0))
            rows += [dict.fromkeys(columns, "") for _ in range(min(wanted, limit) - len(rows))]
            out[kind] = rows
        return out


def field_id(path: str) -> str:
    """A spec path such as care_team[0].phone -> the form field's id, care_team-0-phone."""
    return path.replace("[", "-").replace("].", "-").replace("]", "").replace(".", "-")


def read_form(form, default_style: str) -> FormValues:
    """The posted fields (a MultiDict), as typed; nothing is checked yet."""
    values = FormValues(
        ui=form.get("ui", "en"), preset=form.get("preset", ""),
        sections=form.getlist("section"), format=form.get("format", "booklet"),
        style=form.get("style", default_style), lang=form.get("lang", "en"),
        paper=form.get("paper", ""), fillable=form.get("fillable") == "yes",
        name=form.get("name", ""), plan=form.getlist("plan"), notes=form.get("notes", ""))
    for kind, (columns, _) in ROWS.items():
        count = _count(form.get(f"{kind}_rows"))
        rows = [{c: form.get(f"{kind}-{i}-{c}", "") for c in columns} for i in range(count)]
        values.rows[kind] = [r for r in rows if any(v.strip() for v in r.values())]
    return values


def fill_in(values: FormValues, fields: dict) -> dict[str, int]:
    """Put the patient fields read from an EHR file (shaped like a patient file) into the
    form, in place. Everything the file can say replaces what was there (a name, rows or a
    plan left from another patient must not stay); the notes and the choices of what and how
    to print are kept, and so is the language when the file names none. Each list is cut at
    the form's limit: the number of rows left out, by kind, is returned."""
    values.name = str(fields.get("name") or "")
    if fields.get("lang"):
        values.lang = str(fields["lang"])
    left_out = {}
    for kind, (columns, limit) in ROWS.items():
        rows = [{c: _text(row.get(c)) for c in columns}
                for row in fields.get(kind) or [] if isinstance(row, dict)]
        if len(rows) > limit:
            left_out[kind] = len(rows) - limit
        values.rows[kind] = rows[:limit]
    values.plan = [str(word) for word in fields.get("plan") or []]
    return left_out


def _text(value) -> str:
    return "" if value is None else str(value)


def _count(text) -> int:
    try:
        return max(0, min(int(text or 0), 100))
    except ValueError:
        return 0


def to_request(values: FormValues, content, msgs: dict) -> tuple[BookletRequest | None,
                                                                  dict[str, str]]:
    """The request the form asks for, or None and the problems by field id (in form order)."""
    errors: dict[str, str] = {}
    data = _patient_data(values, errors, msgs)
    patient = None
    if not errors and data:
        try:
            patient = patient_from_data(data, "the form")
        except InputError as error:      # a spec rule across fields: name it on the form
            errors["patient"] = error.message.split(": ", 2)[-1]
    if errors:
        return None, errors
    everything = values.preset == ALL_SECTIONS
    return BookletRequest(
        content=content, language=values.lang or None, style=values.style,
        preset=None if everything or not values.preset else values.preset,
        sections=tuple(values.sections), everything=everything, format=values.format,
        paper=values.paper or None, fillable=values.fillable, patient=patient), errors


def _patient_data(values: FormValues, errors: dict[str, str], msgs: dict) -> dict:
    """The patient's fields as a patient file would hold them, each checked on its own so
    that every problem is found at once."""
    fields = PATIENT.fields
    data: dict = {}

    def check(spec, value, path):
        try:
            return spec.check(value, path)
        except Invalid as error:
            errors.setdefault(field_id(error.path), error.message)
            return None

    if values.name.strip():
        data["name"] = values.name.strip()
        check(fields["name"].spec, data["name"], "name")
    for kind, (columns, limit) in ROWS.items():
        rows = values.rows[kind]
        if len(rows) > limit:
            errors[kind] = msgs["too_many_rows"].format(limit=limit)
            rows = rows[:limit]
        record = fields[kind].spec.item
        checked = []
        for i, row in enumerate(rows):
            entry = {c: v.strip() for c, v in row.items() if v.strip()}
            for column, value in entry.items():
                check(record.fields[column].spec, value, f"{kind}[{i}].{column}")
            for column in columns:
                if record.fields[column].required and column not in entry:
                    errors.setdefault(field_id(f"{kind}[{i}].{column}"),
                                      msgs["missing_in_row"].format(field=msgs[f"{kind}_{column}"]))
            checked.append(entry)
        if checked:
            data[kind] = checked
    if values.plan:
        data["plan"] = list(values.plan)
        for i, word in enumerate(values.plan):
            try:
                fields["plan"].spec.item.check(word, f"plan[{i}]")
            except Invalid as error:
                errors.setdefault("plan", error.message)
    if values.notes.strip():
        data["notes"] = values.notes
        check(fields["notes"].spec, values.notes, "notes")
    return data
