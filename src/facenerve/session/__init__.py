"""The standard photo session: load, measure, align to rest, dynamic and synkinesis measures, automated grades.

>>> from facenerve.session import analyze_session
>>> session = analyze_session("visit-2024-05/")                       # doctest: +SKIP
>>> session.scores["sunnybrook"].scores["composite"]                  # doctest: +SKIP
"""

from facenerve.session.analyze import analyze_session, plan_folder
from facenerve.session.assessment import SCHEMA, SessionAssessment
from facenerve.session.naming import guess_expression, read_manifest

__all__ = ["SCHEMA", "SessionAssessment", "analyze_session", "guess_expression", "plan_folder", "read_manifest"]
