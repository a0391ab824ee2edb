"""A FHIR R4 Bundle (as :func:`facenerve.interop.fhir.bundle` writes it) read back into a course: plain data, no ORM.

In: the Bundle as parsed JSON. Out: the mapping :func:`facenerve.interop.fhir.bundle` takes (``patient`` with its
comorbidities, ``episodes`` with onset time and recurrence, ``assessments`` with their per-photo metrics,
``treatments``), local ids being the resources' full URLs. Every number is finite (NaN, Infinity and numbers too
large for a float are refused, naming the element).
FaceNerve's own codes are read first; the standard codes (SNOMED CT Bell's palsy, laterality) where they are the
only ones. Anything that cannot be read raises :class:`BundleError` with a one-line message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from facenerve import labels
from facenerve.interop.fhir import (
    CAUSE_SYSTEM,
    COMORBIDITY_EXTENSION,
    COMORBIDITY_SYSTEM,
    CONDITION_EXTENSION,
    GENDER,
    IDENTIFIER_SYSTEM,
    LATERALITY,
    MEASURE_SYSTEM,
    METHOD_SYSTEM,
    METHODS,
    MUSCLE_SYSTEM,
    RECURRENCE_EXTENSION,
    SEVERITY_SYSTEM,
    SIDE_EXTENSION,
    SNOMED,
    SUMMARY,
    TREATMENT_KIND_SYSTEM,
    TREATMENT_SYSTEM,
    UNITS_EXTENSION,
)

_SIDES = {code: side for side, (code, _) in LATERALITY.items()}
_UNITS = {ucum: key for key, ucum in labels.UCUM.items()}
_BELLS = "193093009"


class BundleError(ValueError):
    """A document that is not a readable FaceNerve Bundle (the message is one line)."""


#: JSON types as the error messages name them.
_JSON_TYPES = {"str": "text", "list": "a list", "dict": "an object", "int": "a number", "float": "a number",
               "bool": "true or false", "NoneType": "null"}


def read_bundle(doc: Any) -> dict[str, Any]:
    """The course held in ``doc`` (a parsed FHIR Bundle), else :class:`BundleError`."""
    try:
        return _read(doc)
    except RecursionError:
        raise BundleError("the Bundle is nested too deeply to read") from None


def _guarded(kind: str, url: str, read: Any, *args: Any) -> Any:
    """``read(*args)`` for one resource; an element of the wrong JSON type is a :class:`BundleError` naming it."""
    try:
        return read(*args)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError, OverflowError) as exc:
        if isinstance(exc, BundleError):
            raise
        if isinstance(exc, KeyError):
            problem = f"the element {exc.args[0]!r} is missing"
        else:
            text = str(exc)
            found = next((name for name in _JSON_TYPES if f"'{name}'" in text), None)
            wanted = "an object" if "attribute" in text else "a list" if "iterable" in text else "another type"
            problem = (f"an element holds {_JSON_TYPES[found]} where FHIR R4 expects {wanted}" if found else
                       "an element is not of the type FHIR R4 gives it")
        raise BundleError(f"{kind} {url}: {problem}") from None


def _read(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, Mapping) or doc.get("resourceType") != "Bundle":
        raise BundleError("not a FHIR Bundle (resourceType must be 'Bundle')")
    entries = doc.get("entry")
    if not isinstance(entries, list) or not entries:
        raise BundleError("the Bundle has no entries")
    resources: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            raise BundleError(f"entry {number} holds no resource")
        url = str(entry.get("fullUrl") or f"#{number}")
        if url in resources:
            raise BundleError(f"entry {number} repeats the fullUrl {url}")
        resources[url] = dict(resource)
    patients = [r for r in resources.values() if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise BundleError(f"the Bundle must hold exactly one Patient (it holds {len(patients)})")
    patient = _guarded("Patient", next(u for u, r in resources.items() if r is patients[0]), _patient, patients[0])
    episodes = [_guarded("Condition", url, _episode, url, r) for url, r in resources.items()
                if r["resourceType"] == "Condition"]
    if not episodes:
        raise BundleError("the Bundle holds no Condition (episode of facial palsy)")
    known = {e["id"] for e in episodes}
    assessments = [_guarded("DiagnosticReport", url, _assessment, url, r, resources, known)
                   for url, r in resources.items() if r["resourceType"] == "DiagnosticReport"]
    treatments = [_guarded(r["resourceType"], url, _treatment, url, r, known) for url, r in resources.items()
                  if r["resourceType"] in ("MedicationStatement", "Procedure")]
    return {"patient": patient, "episodes": episodes, "assessments": assessments,
            "treatments": treatments}


def _patient(resource: Mapping[str, Any]) -> dict[str, Any]:
    identifiers = [i for i in resource.get("identifier") or () if isinstance(i, Mapping) and i.get("value")]
    ours = [i for i in identifiers if i.get("system") == IDENTIFIER_SYSTEM] or identifiers
    if not ours:
        raise BundleError("the Patient has no identifier")
    gender = str(resource.get("gender") or "unknown")
    comorbidities = [code for x in resource.get("extension") or ()
                     if isinstance(x, Mapping) and x.get("url") == COMORBIDITY_EXTENSION
                     for code in _codes_in(_codings(x.get("valueCodeableConcept")), COMORBIDITY_SYSTEM)[:1]]
    return {"identifier": str(ours[0]["value"]), "birth_date": _date(resource.get("birthDate"), "Patient birthDate"),
            "sex": gender if gender in GENDER else "unknown", "comorbidities": list(dict.fromkeys(comorbidities))}


def _episode(url: str, resource: Mapping[str, Any]) -> dict[str, Any]:
    codings = _codings(resource.get("code"))
    cause = _code_in(codings, CAUSE_SYSTEM) or ("bells" if (SNOMED, _BELLS) in _pairs(codings) else "other")
    sides = [_SIDES.get(c) for site in resource.get("bodySite") or () for c in _codes_in(_codings(site), SNOMED)]
    side = next((s for s in sides if s), None)
    if side is None:
        raise BundleError(f"Condition {url} has no side (a SNOMED CT laterality in bodySite)")
    severity = _code_in(_codings(resource.get("severity")), SEVERITY_SYSTEM)
    if severity not in ("complete", "incomplete"):
        raise BundleError(f"Condition {url} has no severity at onset (complete or incomplete)")
    onset = resource.get("onsetDateTime")
    recurrence = any(isinstance(x, Mapping) and x.get("url") == RECURRENCE_EXTENSION and x.get("valueBoolean") is True
                     for x in resource.get("extension") or ())
    return {"id": url, "onset_date": _date(onset, f"Condition {url} onsetDateTime"),
            "onset_at": _moment(onset, f"Condition {url} onsetDateTime"),
            "side": side, "cause": cause, "cause_label": _display_in(codings, CAUSE_SYSTEM),
            "complete_at_onset": severity == "complete", "recurrence": recurrence}


def _assessment(url: str, report: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]],
                episodes: set[str]) -> dict[str, Any]:
    episode = _reference(next((x.get("valueReference") for x in report.get("extension") or ()
                               if isinstance(x, Mapping) and x.get("url") == CONDITION_EXTENSION), None))
    episode = _episode_of(url, episode, episodes)
    found: dict[str, Any] = {"id": url, "episode": episode, "summary_sources": {}, "photos": {},
                             "taken_on": _date(report.get("effectiveDateTime"), f"DiagnosticReport {url} date")
                             .isoformat()}
    for key in (*SUMMARY, "eye_closure_complete", "affected_side"):
        found[key] = None
    for link in report.get("result") or ():
        target = _reference(link)
        observation = resources.get(target or "")
        if observation is None or observation.get("resourceType") != "Observation":
            raise BundleError(f"DiagnosticReport {url} names a result that is not in the Bundle: {target}")
        _read_observation(observation, found)
    return found


def _read_observation(observation: Mapping[str, Any], found: dict[str, Any]) -> None:
    code = _code_in(_codings(observation.get("code")), MEASURE_SYSTEM) or ""
    if code == "house_brackmann":
        grade = (_code_in(_codings(observation.get("valueCodeableConcept")), MEASURE_SYSTEM) or "").rsplit("-", 1)[-1]
        if grade not in labels.ROMAN:
            raise BundleError(f"House–Brackmann grade {grade!r} is not I–VI")
        found[code] = labels.ROMAN.index(grade) + 1
    elif code in SUMMARY:
        found[code] = _number(observation.get("valueQuantity"), labels.measure(code))
    elif code == "eye_closure_complete":
        if not isinstance(observation.get("valueBoolean"), bool):
            raise BundleError("the eye closure observation has no valueBoolean")
        found[code] = observation["valueBoolean"]
    elif code == "affected_side":
        found[code] = next((_SIDES[c] for c in _codes_in(_codings(observation.get("valueCodeableConcept")), SNOMED)
                            if c in _SIDES), None)
    elif "." in code and observation.get("component"):
        expression, name = code.split(".", 1)
        metric: dict[str, Any] = {"left": None, "right": None, "unit": ""}
        what = f"{labels.measure(name)} ({labels.expression(expression)})"
        if not isinstance(observation["component"], list):
            raise BundleError(f"{what}: the components are not a list")
        for component in observation["component"]:
            if not isinstance(component, Mapping):
                raise BundleError(f"{what}: a component is not an object (a code and a valueQuantity)")
            part = _code_in(_codings(component.get("code")), MEASURE_SYSTEM) or ""
            side = part.rsplit(".", 1)[-1]
            if part != f"{name}.{side}" or side not in ("left", "right"):
                raise BundleError(f"{what}: a component is neither the patient's left nor right of this measure")
            metric[side] = _number(component.get("valueQuantity"), f"{what}, patient's {side}")
            metric["unit"] = _UNITS.get(str(component["valueQuantity"].get("code") or ""), "")
        found["photos"].setdefault(expression, {})[name] = metric
    else:
        return  # an observation FaceNerve does not keep
    method = _code_in(_codings(observation.get("method")), METHOD_SYSTEM)
    if code in SUMMARY and method in METHODS:
        found["summary_sources"][code] = method


def _treatment(url: str, resource: Mapping[str, Any], episodes: set[str]) -> dict[str, Any]:
    medication = resource["resourceType"] == "MedicationStatement"
    concept = resource.get("medicationCodeableConcept" if medication else "code")
    name = _code_in(_codings(concept), TREATMENT_SYSTEM)
    if name is None:
        text = str(concept.get("text") or "").strip() if isinstance(concept, Mapping) else ""
        if not text:
            raise BundleError(f"{resource['resourceType']} {url} has no treatment name")
        name = labels.FREE_TEXT_PREFIX + text
    period = resource.get("effectivePeriod" if medication else "performedPeriod") or {}
    if not isinstance(period, Mapping):
        raise BundleError(f"{resource['resourceType']} {url}: the period is not an object")
    reasons = [_reference(r) for r in resource.get("reasonReference") or ()]
    notes = [str(n.get("text") or "") for n in resource.get("note") or () if isinstance(n, Mapping)]
    found: dict[str, Any] = {
        "id": url, "episode": _episode_of(url, next((r for r in reasons if r in episodes), None), episodes),
        "name": name, "start": _date(period.get("start"), f"{url} start").isoformat(),
        "stop": _date(period["end"], f"{url} end").isoformat() if period.get("end") else None,
        "dose": None, "muscle": None, "side": None, "units": None, "notes": "\n".join(n for n in notes if n) or None,
    }
    if medication:
        dosage = [str(d.get("text") or "") for d in resource.get("dosage") or () if isinstance(d, Mapping)]
        return {**found, "kind": "medication", "dose": "; ".join(d for d in dosage if d) or None}
    kind = _code_in(_codings(resource.get("category")), TREATMENT_KIND_SYSTEM) or "procedure"
    sites = [c for site in resource.get("bodySite") or () for c in _codings(site)]
    muscles = _codes_in(sites, MUSCLE_SYSTEM)
    for extension in resource.get("extension") or ():
        if not isinstance(extension, Mapping):
            continue
        if extension.get("url") == SIDE_EXTENSION:
            codes = _codes_in(_codings(extension.get("valueCodeableConcept")), SNOMED)
            found["side"] = next((_SIDES[c] for c in codes if c in _SIDES), None)
        elif extension.get("url") == UNITS_EXTENSION:
            found["units"] = _number(extension.get("valueQuantity"), "botulinum toxin units")
    return {**found, "kind": kind, "muscle": muscles[0] if muscles else None,
            "muscle_label": _display_in(sites, MUSCLE_SYSTEM),
            "kind_label": _display_in(_codings(resource.get("category")), TREATMENT_KIND_SYSTEM)}


def _episode_of(url: str, reference: str | None, episodes: set[str]) -> str:
    """The episode a record names, or the only one there is."""
    if reference in episodes:
        return str(reference)
    if len(episodes) == 1:
        return next(iter(episodes))
    raise BundleError(f"{url} names no Condition of the Bundle, and the Bundle holds several")


def _codings(concept: Any) -> list[Mapping[str, Any]]:
    if not isinstance(concept, Mapping):
        return []
    return [c for c in concept.get("coding") or () if isinstance(c, Mapping)]


def _pairs(codings: list[Mapping[str, Any]]) -> set[tuple[str, str]]:
    return {(str(c.get("system")), str(c.get("code"))) for c in codings}


def _codes_in(codings: list[Mapping[str, Any]], system: str) -> list[str]:
    return [str(c["code"]) for c in codings if c.get("system") == system and c.get("code")]


def _code_in(codings: list[Mapping[str, Any]], system: str) -> str | None:
    return next(iter(_codes_in(codings, system)), None)


def _display_in(codings: list[Mapping[str, Any]], system: str) -> str | None:
    """The display of the first coding in ``system`` (the label the exporting system gave it)."""
    return next((str(c["display"]) for c in codings if c.get("system") == system and c.get("display")), None)


def _reference(link: Any) -> str | None:
    return str(link["reference"]) if isinstance(link, Mapping) and link.get("reference") else None


def _number(quantity: Any, what: str) -> float:
    """The finite ``value`` of a Quantity; ``what`` names it (a label, never an internal key) in the error."""
    if not isinstance(quantity, Mapping):
        raise BundleError(f"{what}: the valueQuantity is not an object with a value")
    value = quantity.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise BundleError(f"{what}: the value is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise BundleError(f"{what}: the value is not a finite number (NaN, Infinity or too large)")
    return number


def _moment(raw: Any, what: str) -> datetime | None:
    """The moment of a FHIR dateTime with a time of day (aware when it has an offset), None for a date alone."""
    text = str(raw)
    if len(text) <= 10:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise BundleError(f"{what} is not a date and time: {text[:40]!r}") from None


def _date(raw: Any, what: str) -> date:
    """The calendar day of a FHIR date or dateTime (its first ten characters)."""
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise BundleError(f"{what} is not a date: {raw!r}") from None
