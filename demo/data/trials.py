"""The demo institution's clinical trials (issue 21 item 2). Synthetic: the ids are local ("RUCC-..."), no real study is
named, and the criteria are chosen so that some demo cases may match and others fail on a criterion:

- RUCC-BR-201 (HER2-positive early breast cancer): breast-her2-positive-lvef-missing and breast-her2-residual-disease
  may match; the ER-positive, HER2-negative breast cases fail on HER2.
- RUCC-BR-305 (triple-negative breast cancer, stage II-III): breast-tnbc-fertility-34 may match; ER-positive cases
  fail on the excluding ER result.
- RUCC-LU-112 (ALK-positive NSCLC, stage IV): lung-alk-positive may match; stage II-III lung cases fail on stage.
- RUCC-LU-140 (unresectable stage III NSCLC, ECOG 0-1): lung-stage3-carboplatin-gfr may match;
  lung-ecog3-curative-chemoradiation fails on ECOG.
- RUCC-GI-050 is suspended: listed, matched to nothing.
"""

from __future__ import annotations

CONTACT = "Clinical Trials Office, ext. 5500 (demo)"

TRIALS = [
    {
        "identifier": "RUCC-BR-201",
        "title": "Synthetic phase 2 study of an antibody-drug conjugate in HER2-positive early breast cancer",
        "phase": "2",
        "disease_sites": ["breast"],
        "stage_min": "I",
        "stage_max": "III",
        "required_biomarkers": [{"name": "HER2", "result": "positive"}],
        "ecog_max": 1,
        "age_min": 18,
    },
    {
        "identifier": "RUCC-BR-305",
        "title": "Synthetic phase 3 study of adjuvant immunotherapy in triple-negative breast cancer",
        "phase": "3",
        "disease_sites": ["breast"],
        "stage_min": "II",
        "stage_max": "III",
        "excluded_biomarkers": [{"name": "ER", "result": "positive"}, {"name": "HER2", "result": "positive"}],
        "ecog_max": 1,
        "age_min": 18,
        "age_max": 75,
    },
    {
        "identifier": "RUCC-LU-112",
        "title": "Synthetic phase 2 study of a next-generation ALK inhibitor in advanced NSCLC",
        "phase": "2",
        "disease_sites": ["lung"],
        "stage_min": "IV",
        "stage_max": "IV",
        "required_biomarkers": [{"name": "ALK", "result": "positive"}],
        "max_prior_lines": 1,
        "ecog_max": 2,
        "age_min": 18,
    },
    {
        "identifier": "RUCC-LU-140",
        "title": "Synthetic phase 3 study of consolidation therapy after chemoradiation in stage III NSCLC",
        "phase": "3",
        "disease_sites": ["lung"],
        "stage_min": "III",
        "stage_max": "III",
        "ecog_max": 1,
        "age_min": 18,
    },
    {
        "identifier": "RUCC-GI-050",
        "title": "Synthetic phase 1/2 study in MSI-high colorectal cancer (accrual suspended)",
        "phase": "1_2",
        "status": "suspended",
        "disease_sites": ["colorectal"],
        "required_biomarkers": [{"name": "MSI", "result": "high"}],
    },
]
