"""Read one patient's details (a YAML file and/or command-line flags) into a validated Patient.

Patient details are printed in the PDF and nowhere else: not in logs, metadata or file names.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import model as m
from .errors import InputError
from .language import LANG_FIELD, language_code
from .specs import Date, Field, Invalid, ListOf, Record, Text, describe
from .yamlfile import read_yaml, shown



@dataclass
class Quoted(Text):
    """Text that YAML could misread as a number (a time like 9:30, a phone like 0123 456)."""

    example: str = ""

    def check(self, value, path):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise Invalid(path, f"expected text in quotes, got {describe(value)}. Fix: put it in"
                                f" quotes, like \"{self.example}\" (without them YAML reads it"
                                " as a number).")
        return super().check(value, path)


@dataclass
class Keyword(Text):
    """A treatment plan keyword: any case, spaces and accents allowed ('Clinical trial' =
    'clinical-trial', 'Cirugía' = 'cirugia')."""

    def check(self, value, path):
        plain = unicodedata.normalize("NFD", super().check(value, path).lower())
        return re.sub(r"\s+", "-", "".join(c for c in plain if not unicodedata.combining(c)))


def _care_team_member(**f) -> m.CareTeamMember:
    return m.CareTeamMember(**f)


def _visit(**f) -> m.Visit:
    return m.Visit(**f)


def _medicine(**f) -> m.Medicine:
    return m.Medicine(name=f["name"], for_=f.get("for"), how=f.get("how"))


NAME = Text(description="the name the patient likes to be called", one_line=True, max_length=100)

PATIENT = Record(description="one patient's details for a personal booklet", fields={
    "name": Field(NAME, required=False),
    "lang": Field(LANG_FIELD, required=False),
    "care_team": Field(ListOf(Record(description="one person on the care team", fields={
        "role": Field(Text(description="what they do, like Surgeon or Nurse", one_line=True,
                           max_length=60)),
        "name": Field(Text(description="their name", one_line=True, max_length=100)),
        "phone": Field(Quoted(description="their phone number", one_line=True, max_length=40,
                              example="555-0100"), required=False),
    }, build=_care_team_member), description="the people who care for the patient"),
        required=False),
    "visits": Field(ListOf(Record(description="one planned visit", fields={
        "date": Field(Date(description="the visit's date, YYYY-MM-DD")),
        "time": Field(Quoted(description="the time, like 9:30 AM", one_line=True,
                             max_length=30, example="9:30 AM"), required=False),
        "place": Field(Text(description="where, like Clinic B, 2nd floor", one_line=True,
                            max_length=120), required=False),
        "purpose": Field(Text(description="what the visit is for", one_line=True,
                              max_length=160), required=False),
    }, build=_visit), description="planned visits, in the order to print them"),
        required=False),
    "medicines": Field(ListOf(Record(description="one medicine", fields={
        "name": Field(Text(description="the medicine's name", one_line=True, max_length=80)),
        "for": Field(Text(description="what it is for", one_line=True, max_length=160),
                     required=False),
        "how": Field(Text(description="how and when to take it", max_length=300),
                     required=False),
    }, build=_medicine), description="the patient's medicines"), required=False),
    "plan": Field(ListOf(Keyword(description="a treatment plan keyword, like surgery or"
                                             " octreotide ('booklet list' shows them all)",
                                 one_line=True, max_length=40),
                         description="treatment plan keywords; each adds the sections about it"),
                  required=False),
    "notes": Field(Text(description="notes from the clinician; leave a blank line between"
                                    " paragraphs", max_length=3000), required=False),
})


def paragraphs(text: str) -> tuple[str, ...]:
    """Text split at blank lines; line breaks inside a paragraph become spaces."""
    return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def load_patient(path: Path) -> m.Patient:
    """Read and check a patient file; any problem is one InputError line naming the field."""
    path = Path(path)
    return patient_from_data(read_yaml(path), shown(path))


def patient_from_data(data, where: str) -> m.Patient:
    """Check patient fields read from `where` (a file, or a manifest's inline fields)."""
    try:
        raw = PATIENT.check(data, "")
    except Invalid as error:
        raise InputError([f"{where}: {error.path or '(top level)'}: {error.message}"]
                         ) from None
    plan = tuple(dict.fromkeys(raw.get("plan", ())))
    return m.Patient(
        name=raw.get("name"),
        language=language_code(raw["lang"]) if "lang" in raw else None,
        care_team=tuple(raw.get("care_team", ())), visits=tuple(raw.get("visits", ())),
        medicines=tuple(raw.get("medicines", ())), plan=plan,
        notes=paragraphs(raw["notes"]) if "notes" in raw else (), source=where,
        plan_origins=tuple(f"{where}: plan[{raw['plan'].index(k)}]" for k in plan))


def patient_from_options(patient: m.Patient | None = None, name: str | None = None,
                         plan: Sequence[str] = ()) -> m.Patient | None:
    """The patient file's details with --name replacing the name and --plan adding keywords."""
    if patient is None and name is None and not plan:
        return None
    patient = patient or m.Patient()
    try:
        if name is not None:
            patient = replace(patient, name=NAME.check(name, "--name"))
        keywords = list(patient.plan)
        origins = list(patient.plan_origins)
        for word in plan:
            keyword = Keyword(one_line=True, max_length=40).check(word, "--plan")
            if keyword not in keywords:
                keywords.append(keyword)
                origins.append("--plan")
    except Invalid as error:
        raise InputError([f"{error.path}: {error.message}"]) from None
    return replace(patient, plan=tuple(keywords), plan_origins=tuple(origins))
