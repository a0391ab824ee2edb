"""Clinic app: patients, episodes, assessments, treatments, care teams; pages and JSON API."""
