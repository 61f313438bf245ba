"""FHIR R4 (mCODE STU4) interchange: reading a patient's Bundle into a case's facts (``parse``), the terminology
tables it maps codes with (``tables``, data files under ``terminology/``)."""
