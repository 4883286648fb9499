"""A patient's details from the EHR: a FHIR R4 Bundle (JSON), as US Core servers and Synthea
export them, read into the fields a patient file holds.

What is read, and from where:
- name: Patient.name with `use: usual` (its text, else its given and family names), else the
  official name's given names;
- language: Patient.communication marked `preferred` (a language booklet prints, else a note);
- care team: each CareTeam.participant's role and member, the member's phone from the
  Practitioner (or PractitionerRole) telecom;
- visits: Appointments booked or pending that start on `today` or later: date, time, place
  (a Location, else a participant's display) and purpose (description, else service type);
- medicines: active MedicationRequests and MedicationStatements: the medicine's text (or its
  coding's display), the reason, and the dosage text and patient instruction as written;
- plan: Condition, Procedure and medication codes, through the content's code table
  (`fhir_codes:` in booklet.yaml); codes it does not list are counted in one note.

Each resource booklet reads is checked with the fhir.resources R4B models (R4B is the release
closest to R4 that the library ships); a problem is one line naming the file and the path,
like `entry[3].resource(MedicationRequest).dosageInstruction[0].text: ...`. Nothing of a
bundle is logged, kept or written anywhere but into the booklet's pages.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

READ = ("Patient", "Practitioner", "PractitionerRole", "Organization", "CareTeam",
        "Appointment", "Location", "HealthcareService", "MedicationRequest",
        "MedicationStatement", "Medication", "Condition", "Procedure")
UPCOMING = ("booked", "pending")
RESERVED_ID = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class BundlePatient:
    """What one bundle says of its patient: the patient's id (for a file name), the fields
    of a patient file, where each field came from in the bundle, and notes for the user."""

    id: str | None
    fields: dict
    origins: dict           # a field's path in `fields` -> its path in the bundle
    notes: tuple[str, ...]


def read_bundles(path: Path) -> list[tuple[str, dict]]:
    """The bundles in a JSON file (one), an NDJSON file (one per line) or a folder of JSON
    files (sorted by name): (where, the parsed JSON) each."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json")
        if not files:
            raise InputError([f"{path}: no .json files. Fix: put one FHIR Bundle per .json file"
                              " in the folder, or give an .ndjson file."])
        return [(str(p), _json(p.read_bytes(), str(p))) for p in files]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError([f"{path}: file not found. Fix: check the path to the FHIR bundle."]
                         ) from None
    if path.suffix.lower() == ".ndjson":
        lines = [(f"{path}: line {n}", line) for n, line in enumerate(data.splitlines(), 1)
                 if line.strip()]
        return [(where, _json(line, where)) for where, line in lines]
    return [(str(path), _json(data, str(path)))]


def _json(data: bytes, where: str):
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError([f"{where}: is not JSON ({error}). Fix: export the patient's record"
                          " as a FHIR R4 Bundle in JSON."]) from None


def bundle_patient(bundle, where: str, *, today: dt.date, codes: dict,
                   languages: dict[str, str]) -> BundlePatient:
    """The patient of one FHIR Bundle. `codes` maps (system, code) to plan keywords;
    `languages` maps the language codes booklet prints ('en', 'es') to their names."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        kind = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise InputError([f"{where}: is a {kind or 'JSON document'}, not a FHIR Bundle. Fix:"
                          " export the patient's record as a Bundle (resourceType Bundle)."])
    reader = _Bundle(bundle, where)
    patients = reader.all("Patient")
    if len(patients) != 1:
        raise InputError([f"{where}: holds {len(patients) or 'no'} Patient"
                          f"{'s' if len(patients) > 1 else ''}; a booklet is for one person."
                          " Fix: export one patient's record per bundle."])
    (patient_path, patient), = patients
    fields, origins, notes = {}, {}, []

    name, name_path = _preferred_name(patient, patient_path)
    if name:
        fields["name"], origins["name"] = name, name_path
    lang, lang_note = _language(patient, languages)
    if lang:
        fields["lang"] = lang
    if lang_note:
        notes.append(lang_note)

    team = []
    for path, care_team in reader.all("CareTeam"):
        for i, participant in enumerate(care_team.participant or []):
            member = reader.resolve(participant.member)
            name, phone = _member(reader, participant.member, member)
            role = _concept_text(participant.role[0]) if participant.role else None
            if not name:
                continue
            row = {"role": role or "Care team", "name": name}
            if phone:
                row["phone"] = phone
            origins[f"care_team[{len(team)}]"] = f"{path}.participant[{i}]"
            team.append(row)
    if team:
        fields["care_team"] = team

    visits = []
    for path, appointment in reader.all("Appointment"):
        start = appointment.start
        if appointment.status not in UPCOMING or start is None or start.date() < today:
            continue
        row = {"date": start.date().isoformat(), "time": _clock(start, lang or "en")}
        place = _place(reader, appointment)
        if place:
            row["place"] = place
        purpose = appointment.description or next(
            (_concept_text(c) for c in appointment.serviceType or [] if _concept_text(c)), None)
        if purpose:
            row["purpose"] = purpose
        visits.append((start.date(), start.time(), path, row))
    visits.sort(key=lambda v: (v[0], v[1]))
    if visits:
        fields["visits"] = [row for *_, row in visits]
        for n, (*_, path, _row) in enumerate(visits):
            origins[f"visits[{n}]"] = path

    medicines, medication_codes = [], []
    for kind in ("MedicationRequest", "MedicationStatement"):
        for path, order in reader.all(kind):
            if order.status != "active":
                continue
            concept = order.medicationCodeableConcept
            if concept is None and order.medicationReference is not None:
                medication = reader.resolve(order.medicationReference)
                concept = getattr(medication, "code", None)
            medication_codes.append(concept)
            name = _concept_text(concept) if concept else None
            if not name:
                continue
            row = {"name": name}
            reason = _reason(reader, order)
            if reason:
                row["for"] = reason
            how = _dosage(order, kind)
            if how:
                row["how"] = how
            origins[f"medicines[{len(medicines)}]"] = path
            medicines.append(row)
    if medicines:
        fields["medicines"] = medicines

    plan, unknown = [], 0
    concepts = [c.code for _, c in reader.all("Condition")
                if not _ended(c.clinicalStatus)] + \
        [p.code for _, p in reader.all("Procedure")
         if p.status not in ("entered-in-error", "not-done")] + medication_codes
    for concept in concepts:
        for coding in (concept.coding or []) if concept else []:
            keywords = codes.get((coding.system, coding.code))
            if keywords is None:
                unknown += 1
            for keyword in keywords or ():
                if keyword not in plan:
                    plan.append(keyword)
    if plan:
        fields["plan"] = plan
    if unknown:
        notes.append(f"{unknown} code{'s' if unknown > 1 else ''} in the bundle"
                     f" {'are' if unknown > 1 else 'is'} not in the content's code table"
                     " (fhir_codes: in booklet.yaml) and added no section.")
    return BundlePatient(patient.id, fields, origins, tuple(notes))


def safe_file_name(patient_id: str | None, where: str) -> str:
    """A file name from a Patient.id: letters, digits, '.', '-' and '_' only."""
    name = RESERVED_ID.sub("-", patient_id or "").strip(".-")
    if not name:
        raise InputError([f"{where}: the Patient has no id to name its booklet by. Fix: export"
                          " the bundle with Patient.id set."])
    return name[:80]


# --- reading the bundle ----------------------------------------------------------------------

class _Bundle:
    """The resources of one bundle, each checked with its R4B model, found by type and by
    reference (an entry's fullUrl, or Type/id)."""

    def __init__(self, bundle: dict, where: str):
        from fhir.resources.R4B import get_fhir_model_class
        from pydantic import ValidationError

        self.where = where
        self.by_type: dict[str, list] = {}
        self.by_reference: dict[str, object] = {}
        entries = bundle.get("entry") or []
        if not isinstance(entries, list):
            raise InputError([f"{where}: entry: is not a list. Fix: export a FHIR Bundle."])
        for i, entry in enumerate(entries):
            raw = entry.get("resource") if isinstance(entry, dict) else None
            kind = raw.get("resourceType") if isinstance(raw, dict) else None
            if kind not in READ:
                continue
            path = f"entry[{i}].resource({kind})"
            try:
                resource = get_fhir_model_class(kind).model_validate(raw)
            except ValidationError as error:
                first = error.errors()[0]
                at = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
                raise InputError([f"{where}: {path}{at}: {first['msg']}. Fix: correct the"
                                  " bundle (a FHIR R4 validator names the rule)."]) from None
            self.by_type.setdefault(kind, []).append((path, resource))
            if entry.get("fullUrl"):
                self.by_reference[entry["fullUrl"]] = resource
            if resource.id:
                self.by_reference[f"{kind}/{resource.id}"] = resource

    def all(self, kind: str) -> list:
        return self.by_type.get(kind, [])

    def resolve(self, reference):
        """The resource a Reference points to inside the bundle, or None."""
        target = getattr(reference, "reference", None)
        if not target:
            return None
        if target in self.by_reference:
            return self.by_reference[target]
        tail = "/".join(target.rstrip("/").split("/")[-2:])   # https://server/fhir/Type/id
        return self.by_reference.get(tail)


def _preferred_name(patient, path: str) -> tuple[str | None, str]:
    names = list(enumerate(patient.name or []))
    for i, name in names:
        if name.use == "usual":
            text = name.text or " ".join([*(name.given or []), *([name.family] if name.family
                                                               else [])])
            return (text.strip() or None), f"{path}.name[{i}]"
    for i, name in names:
        if name.use in ("official", None) and name.given:
            return " ".join(name.given), f"{path}.name[{i}].given"
    return None, path


def _language(patient, languages: dict[str, str]) -> tuple[str | None, str | None]:
    for communication in patient.communication or []:
        if not communication.preferred:
            continue
        codes = [c.code for c in communication.language.coding or [] if c.code]
        for code in codes:
            primary = code.split("-")[0].lower()
            if primary in languages:
                return primary, None
        said = communication.language.text or (codes[0] if codes else "another language")
        return None, (f"the patient prefers {said}, which this content is not written in;"
                      f" the booklet is in {next(iter(languages.values()))}.")
    return None, None


def _member(reader: _Bundle, reference, member) -> tuple[str | None, str | None]:
    """A care team member's name and phone: a Practitioner, a PractitionerRole (its
    practitioner's name, its own phone first) or an Organization; else the reference's
    display."""
    phone = _phone(getattr(member, "telecom", None))
    kind = _kind(member)
    if kind == "PractitionerRole":
        practitioner = reader.resolve(member.practitioner)
        phone = phone or _phone(getattr(practitioner, "telecom", None))
        member = practitioner
        kind = "Practitioner" if practitioner is not None else None
    name = None
    if kind == "Practitioner" and member.name:
        human = member.name[0]
        name = human.text or " ".join([*(human.prefix or []), *(human.given or []),
                                       *([human.family] if human.family else [])])
    elif kind == "Organization":
        name = member.name
    name = name or getattr(reference, "display", None)
    return (name.strip() if name else None), phone


def _kind(resource) -> str | None:
    return resource.get_resource_type() if resource is not None else None


def _phone(telecom) -> str | None:
    phones = [t for t in telecom or [] if t.system == "phone" and t.value]
    phones.sort(key=lambda t: t.use != "work")
    return phones[0].value if phones else None


def _place(reader: _Bundle, appointment) -> str | None:
    for participant in appointment.participant or []:
        actor = participant.actor
        target = reader.resolve(actor)
        if _kind(target) == "Location" and target.name:
            return target.name
        if actor is not None and (actor.type == "Location" or "Location/" in (actor.reference
                                                                            or "")):
            if actor.display:
                return actor.display
    return None


def _clock(moment: dt.datetime, language: str) -> str:
    """The time as the booklet's readers write it: 9:30 AM, or 9:30 a. m. in Spanish."""
    hour = moment.hour % 12 or 12
    if language == "es":
        return f"{hour}:{moment.minute:02d} {'a. m.' if moment.hour < 12 else 'p. m.'}"
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _concept_text(concept) -> str | None:
    if concept is None:
        return None
    if concept.text:
        return concept.text
    return next((c.display for c in concept.coding or [] if c.display), None)


def _reason(reader: _Bundle, order) -> str | None:
    for concept in getattr(order, "reasonCode", None) or []:
        if _concept_text(concept):
            return _concept_text(concept)
    for reference in getattr(order, "reasonReference", None) or []:
        condition = reader.resolve(reference)
        text = _concept_text(getattr(condition, "code", None)) or reference.display
        if text:
            return text
    return None


def _dosage(order, kind: str) -> str | None:
    """The dosage text and the patient instruction, each exactly as written."""
    dosages = (order.dosageInstruction if kind == "MedicationRequest" else order.dosage) or []
    said = []
    for dosage in dosages:
        for text in (dosage.text, dosage.patientInstruction):
            if text and text not in said:
                said.append(text)
    return " ".join(said) or None


def _ended(status) -> bool:
    codes = {c.code for c in getattr(status, "coding", None) or []}
    return bool(codes & {"inactive", "resolved", "remission"})


def patient_from_bundle(bundle, where: str, *, today: dt.date, library, languages):
    """The Patient (checked like a patient file) of one bundle, and what was read: a problem
    with a field is named by where it is in the bundle."""
    from .patient import PATIENT, patient_from_data
    from .specs import Invalid

    found = bundle_patient(bundle, where, today=today, codes=library.fhir_codes,
                           languages=languages)
    try:
        PATIENT.check(found.fields, "")
    except Invalid as error:
        key = error.path.split(".")[0]
        origin = found.origins.get(key) or found.origins.get(error.path.split("[")[0])
        at = f"{origin} ({error.path})" if origin else error.path
        raise InputError([f"{where}: {at}: {error.message}"]) from None
    return patient_from_data(found.fields, where), found


def content_context(content_root: Path):
    """The library whose code table a bundle is read with (the content's first language)
    and the languages the content is written in: {code: name}."""
    from .content import content_languages, load_library
    from .language import language_code, language_info

    library = load_library(content_root)
    codes = [c for c in content_languages(content_root) if c] or \
        [language_code(library.info.language, "booklet.yaml")]
    return library, {code: language_info(Path(content_root) / code).name for code in codes}


def patient_from_fhir_file(path: Path, today: dt.date, content_root: Path):
    """The patient of the one bundle in `path` (a JSON file), and notes for the user."""
    bundles = read_bundles(path)
    if len(bundles) != 1:
        raise InputError([f"{path}: holds {len(bundles)} bundles. Fix: give one patient's"
                          " bundle to build, or use booklet batch --fhir for many."])
    (where, bundle), = bundles
    library, languages = content_context(content_root)
    patient, found = patient_from_bundle(bundle, where, today=today, library=library,
                                         languages=languages)
    return patient, found.notes
