"""Exchange with other systems: FHIR R4 Bundles built from plain data (no ORM inside)."""
