"""FHIR R4 bundles the tests build, shaped like Synthea's exports (urn:uuid fullUrls, US Core
profiles) with the Appointments Synthea does not write. Every person here is made up."""
from __future__ import annotations

import copy
import uuid

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"booklet-test/{name}"))


def entry(resource: dict, by_urn: bool = True) -> dict:
    """A bundle entry; by_urn: a urn:uuid fullUrl (Synthea), else a server address."""
    url = f"urn:uuid:{resource['id']}" if by_urn else \
        f"https://ehr.example.org/fhir/{resource['resourceType']}/{resource['id']}"
    return {"fullUrl": url, "resource": resource}


def ref(resource: dict, by_urn: bool = True, display: str | None = None) -> dict:
    target = f"urn:uuid:{resource['id']}" if by_urn else \
        f"{resource['resourceType']}/{resource['id']}"
    return {"reference": target, **({"display": display} if display else {})}


def patient_bundle(*, patient_id: str = "pat-001", given=("Alexandra", "Maria"),
                   family: str = "Example", usual: str | None = "Alex Example",
                   language: str | None = None) -> dict:
    """One patient with a care team, visits past and future, medicines active and stopped,
    a pNET diagnosis and a Whipple procedure."""
    patient = {"resourceType": "Patient", "id": patient_id,
               "name": [{"use": "official", "family": family, "given": list(given)}]}
    if usual:
        patient["name"].append({"use": "usual", "text": usual})
    if language:
        patient["communication"] = [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en-US"}]},
             "preferred": False},
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": language}],
                          "text": language}, "preferred": True}]
    surgeon = {"resourceType": "Practitioner", "id": _id("surgeon"),
               "name": [{"family": "Rivera", "given": ["Ana"], "prefix": ["Dr."]}],
               "telecom": [{"system": "email", "value": "ana@example.org"},
                           {"system": "phone", "value": "555-0101", "use": "work"}]}
    nurse = {"resourceType": "Practitioner", "id": _id("nurse"),
             "name": [{"text": "Sam Lee, RN"}]}
    nurse_role = {"resourceType": "PractitionerRole", "id": _id("nurse-role"),
                  "practitioner": {"reference": f"Practitioner/{nurse['id']}"},
                  "telecom": [{"system": "phone", "value": "555-0102"}]}
    clinic = {"resourceType": "Location", "id": _id("clinic"), "name": "Clinic B, 2nd floor"}
    team = {"resourceType": "CareTeam", "id": _id("team"), "status": "active",
            "subject": ref(patient), "participant": [
                {"role": [{"coding": [{"system": SNOMED, "code": "304292004",
                                       "display": "Surgeon"}]}], "member": ref(surgeon)},
                {"role": [{"text": "Nurse navigator"}],
                 "member": {"reference": f"PractitionerRole/{nurse_role['id']}"}},
                {"role": [{"text": "Dietitian"}], "member": {"display": "Pat Green"}}]}

    def appointment(name, status, start, **more):
        return {"resourceType": "Appointment", "id": _id(name), "status": status,
                "start": start, "end": start.replace(":00-05:00", ":30-05:00"),
                "participant": [{"actor": ref(patient), "status": "accepted"}], **more}
    visits = [
        appointment("past", "fulfilled", "2026-11-20T09:00:00-05:00",
                    description="Scan results"),
        appointment("cancelled", "cancelled", "2026-12-15T10:00:00-05:00",
                    description="Old plan"),
        appointment("later", "pending", "2027-01-05T14:30:00-05:00",
                    serviceType=[{"coding": [{"display": "Oncology follow-up"}]}],
                    participant=[{"actor": ref(patient), "status": "accepted"},
                                 {"actor": {"display": "Infusion center", "type": "Location"},
                                  "status": "accepted"}]),
        appointment("next", "booked", "2026-12-10T09:30:00-05:00",
                    description="Surgery follow-up",
                    participant=[{"actor": ref(patient), "status": "accepted"},
                                 {"actor": ref(clinic, by_urn=False), "status": "accepted"}]),
    ]
    condition = {"resourceType": "Condition", "id": _id("pnet"), "subject": ref(patient),
                 "clinicalStatus": {"coding": [{"code": "active"}]},
                 "code": {"coding": [{"system": ICD10, "code": "C25.4",
                                      "display": "Malignant neoplasm of endocrine pancreas"}],
                          "text": "Pancreatic neuroendocrine tumor"}}
    old_problem = {"resourceType": "Condition", "id": _id("old"), "subject": ref(patient),
                   "clinicalStatus": {"coding": [{"code": "resolved"}]},
                   "code": {"coding": [{"system": SNOMED, "code": "0000000",
                                        "display": "Something resolved"}]}}
    procedure = {"resourceType": "Procedure", "id": _id("whipple"), "status": "completed",
                 "subject": ref(patient),
                 "code": {"coding": [{"system": "urn:booklet-test:procedures",
                                      "code": "whipple", "display": "Whipple procedure"}]}}
    octreotide = {"resourceType": "MedicationRequest", "id": _id("octreotide"),
                  "status": "active", "intent": "order", "subject": ref(patient),
                  "medicationCodeableConcept": {
                      "coding": [{"system": "urn:booklet-test:medicines", "code": "octreotide",
                                  "display": "octreotide 30 MG injection"}],
                      "text": "Octreotide LAR"},
                  "reasonReference": [ref(condition)],
                  "dosageInstruction": [{"text": "30 mg into the buttock muscle every 4 weeks",
                                         "patientInstruction": "Your nurse gives it at the"
                                                               " clinic."}]}
    stopped = {"resourceType": "MedicationRequest", "id": _id("stopped"), "status": "stopped",
               "intent": "order", "subject": ref(patient),
               "medicationCodeableConcept": {"text": "Old pill"}}
    statement = {"resourceType": "MedicationStatement", "id": _id("omeprazole"),
                 "status": "active", "subject": ref(patient),
                 "medicationCodeableConcept": {"coding": [{"display": "Omeprazole 20 MG"}]},
                 "reasonCode": [{"text": "stomach acid"}],
                 "dosage": [{"text": "1 capsule before breakfast"}]}
    resources = [patient, surgeon, nurse, nurse_role, clinic, team, *visits, condition,
                 old_problem, procedure, octreotide, stopped, statement]
    entries = [entry(r, by_urn=r is not clinic) for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


TEST_CODES = [
    {"system": "urn:booklet-test:procedures", "code": "whipple", "display": "Whipple",
     "plan": ["surgery"]},
    {"system": "urn:booklet-test:medicines", "code": "octreotide", "display": "octreotide",
     "plan": ["octreotide"]},
]


def with_entry_changed(bundle: dict, kind: str, change) -> dict:
    """A copy of the bundle with `change(resource)` applied to the first resource of a kind."""
    twin = copy.deepcopy(bundle)
    for item in twin["entry"]:
        if item["resource"]["resourceType"] == kind:
            change(item["resource"])
            break
    return twin
