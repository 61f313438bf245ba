"""More demo cases the Breast board has discussed (breast_discussed.py has the first five). Fictional patients."""

from demo.world import DemoCase, DemoFollowUp, DemoPlan, DemoReview, adopted

_common = {"board": "breast", "site": "breast"}

CASES = [
    DemoCase(
        **_common,
        slug="breast-pathology-reread-grade3",
        patient=("RUCC-1036652", "Helen Okonkwo", "female", 64),
        created_by="surgonc",
        treating="surgonc",
        status="recommended",
        meeting=-6,
        histology="Invasive ductal carcinoma, no special type",
        grade="G2",
        stage="cT1c cN0 cM0 pT1c pN0 / IA",
        diagnosed_days_ago=70,
        gfr=78,
        lvef=61,
        bilirubin=0.6,
        comorbidities=("Type 2 diabetes", "Hypertension"),
        menopausal="post",
        anthracycline=0,
        preferences="Would consider chemotherapy only if the benefit is clear.",
        psychosocial="Retired bus driver; lives with her sister.",
        question=(
            "Lumpectomy and sentinel node biopsy at an outside hospital: 1.8 cm grade 2 IDC, 0/2 nodes, ER 80% PR 10% "
            "HER2 1+, Ki-67 25%. Proposed: whole-breast radiation, then anastrozole, without a genomic assay. Our "
            "review of the outside slides is pending."
        ),
        biomarkers=(
            ("ER", "positive", 80),
            ("PR", "positive", 10),
            ("HER2", "negative", None, "IHC 1+"),
            ("KI67", "high", 25),
        ),
        medications=("Metformin", "Lisinopril"),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("radiation_therapy", "Whole-breast radiation, 26 Gy in 5 fractions (FAST-Forward)"),
                ("systemic_therapy", "Adjuvant anastrozole 1 mg daily for 5 years", ("anastrozole",)),
            ),
            rationale="Small node-negative grade 2 ER-positive tumor: low clinical risk, endocrine therapy alone.",
        ),
        reviews=(
            DemoReview(
                kind="pathology_reread",
                author="pathologist",
                findings="Review of the outside slides: tubule formation under 10%, marked nuclear pleomorphism, "
                "18 mitoses per 10 high-power fields; Nottingham score 3+3+3 = 9, grade 3 (outside report: score 7, "
                "grade 2). Margins and sentinel nodes negative; ER, PR and HER2 confirmed.",
                recommendation="High grade on review: a genomic assay before deciding against chemotherapy.",
                revisions=(("grade", "G3", "Nottingham score 9 of 9 on review of the outside slides."),),
            ),
        ),
        board_plan=DemoPlan(
            intent="curative",
            components=(
                (
                    "further_diagnostics",
                    "Oncotype DX on the lumpectomy specimen; docetaxel-cyclophosphamide x4 first if the recurrence "
                    "score is 26 or more",
                ),
                ("radiation_therapy", "Whole-breast radiation, 26 Gy in 5 fractions, after any chemotherapy"),
                ("systemic_therapy", "Adjuvant anastrozole 1 mg daily for 5 years", ("anastrozole",)),
            ),
            rationale="Grade 3 on our review raises the clinical risk: the recurrence score decides on chemotherapy.",
            consensus="unanimous",
        ),
    ),
    DemoCase(
        **_common,
        slug="breast-brca1-residual-olaparib",
        patient=("RUCC-0973348", "Rachel Adler", "female", 41),
        created_by="medonc",
        treating="medonc",
        status="recommended",
        meeting=-7,
        histology="Invasive ductal carcinoma, residual disease after neoadjuvant therapy",
        grade="G3",
        stage="cT2 cN1 cM0 ypT1b ypN0 / IIB",
        diagnosed_days_ago=230,
        gfr=98,
        lvef=60,
        bilirubin=0.5,
        menopausal="pre",
        fertility_goals="Does not plan further pregnancies.",
        fertility_discussed=True,
        anthracycline=240,
        preferences="Considering risk-reducing surgery; wants genetics advice for her sister.",
        psychosocial="Software engineer; lives with her partner and their son.",
        question=(
            "Germline BRCA1 carrier with triple-negative breast cancer: after neoadjuvant KEYNOTE-522, lumpectomy "
            "shows 0.8 cm of residual invasive carcinoma (ypT1b ypN0). Adjuvant olaparib for one year (OlympiA) with "
            "the remaining pembrolizumab, rather than capecitabine? Timing of risk-reducing surgery?"
        ),
        biomarkers=(
            ("ER", "negative", 0),
            ("PR", "negative", 0),
            ("HER2", "negative", None, "IHC 0"),
            ("KI67", "high", 60),
            ("BRCA1", "detected", None, "germline c.68_69del (p.Glu23fs), pathogenic"),
        ),
        medications=("Pembrolizumab",),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Olaparib 300 mg twice daily for 1 year, with pembrolizumab every 3 weeks to complete 9 adjuvant "
                    "cycles",
                    ("olaparib", "pembrolizumab"),
                ),
                ("radiation_therapy", "Whole-breast radiation after lumpectomy"),
                (
                    "genetic_counseling",
                    "Risk-reducing salpingo-oophorectomy and contralateral mastectomy options; cascade testing",
                ),
            ),
            rationale="Residual disease in a germline BRCA1 carrier: olaparib improved overall survival (OlympiA).",
        ),
        reviews=(
            DemoReview(
                kind="genetics",
                author="genetics",
                findings="Pathogenic germline BRCA1 frameshift variant confirmed by the reference laboratory. "
                "Contralateral breast cancer risk about 40% over 20 years; ovarian cancer risk 40 to 45% by 70.",
                recommendation="Risk-reducing salpingo-oophorectomy now (age 41), after radiation; discuss "
                "contralateral risk-reducing mastectomy; offer cascade testing to her sister and parents.",
            ),
        ),
        board_plan=adopted("Agreed: olaparib with the remaining pembrolizumab; gynecologic referral for RRSO."),
    ),
    DemoCase(
        **_common,
        slug="breast-her2-low-metastatic",
        patient=("RUCC-0969923", "Barbara Lindgren", "female", 59),
        created_by="medonc",
        treating="medonc",
        status="closed",
        meeting=-11,
        histology="Invasive ductal carcinoma, no special type",
        grade="G2",
        stage="cT2 cN1 cM1 / IV",
        metastatic_sites=("bone", "lung"),
        metastasis_count=6,
        diagnosed_days_ago=900,
        ecog=1,
        gfr=85,
        lvef=61,
        bilirubin=0.5,
        menopausal="post",
        goc_discussed=True,
        intent="disease_control",
        preferences="Wants to keep working part-time; accepts an infusion every 3 weeks.",
        psychosocial="Librarian; married, her husband drives her to appointments.",
        question=(
            "Metastatic ER-positive breast cancer progressing in the lungs after letrozole + ribociclib, then "
            "fulvestrant + everolimus. The new lung biopsy is HER2 IHC 1+ (HER2-low). Capecitabine as the first "
            "chemotherapy, or trastuzumab deruxtecan (DESTINY-Breast04)?"
        ),
        biomarkers=(
            ("ER", "positive", 85),
            ("PR", "negative", 0),
            ("HER2", "negative", None, "IHC 1+ (HER2-low) on the lung biopsy"),
            ("KI67", "high", 30),
        ),
        medications=(
            ("Letrozole", "stopped"),
            ("Ribociclib", "stopped"),
            ("Fulvestrant", "stopped"),
            ("Everolimus", "stopped"),
            "Zoledronic acid",
        ),
        proposed=DemoPlan(
            intent="disease_control",
            components=(
                ("systemic_therapy", "Capecitabine 1000 mg/m² twice daily, days 1-14 every 3 weeks", ("capecitabine",)),
                ("supportive_care", "Continue zoledronic acid every 12 weeks"),
            ),
            rationale="Endocrine-resistant disease after two endocrine lines: oral single-agent chemotherapy.",
        ),
        board_plan=DemoPlan(
            intent="disease_control",
            components=(
                (
                    "systemic_therapy",
                    "Trastuzumab deruxtecan 5.4 mg/kg every 3 weeks (DESTINY-Breast04)",
                    ("trastuzumab deruxtecan",),
                ),
                (
                    "supportive_care",
                    "Continue zoledronic acid; baseline CT and pulmonary function, pneumonitis checks every 6 weeks",
                ),
            ),
            rationale="HER2-low on the latest biopsy: trastuzumab deruxtecan doubled progression-free survival over "
            "chemotherapy of physician's choice. Capecitabine kept for a later line (DPYD genotype first).",
            consensus="unanimous",
        ),
        follow_up=DemoFollowUp(
            implemented="yes", note="Two cycles of trastuzumab deruxtecan given; no pneumonitis.", days_after=21
        ),
    ),
    DemoCase(
        **_common,
        slug="breast-oncotype-rs29-chemotherapy",
        patient=("RUCC-0962207", "Deborah Stein", "female", 52),
        created_by="medonc",
        treating="medonc",
        status="closed",
        meeting=-15,
        histology="Invasive ductal carcinoma, no special type",
        grade="G2",
        stage="cT2 cN0 cM0 pT2 pN0 / IIA",
        diagnosed_days_ago=140,
        gfr=95,
        lvef=65,
        bilirubin=0.4,
        menopausal="post",
        anthracycline=0,
        preferences="Wants the treatment with the best chance of cure; worried about hair loss.",
        psychosocial="High-school principal; divorced, two adult sons.",
        question=(
            "Right lumpectomy: 2.6 cm grade 2 IDC, 0/3 sentinel nodes, ER 90% PR 50% HER2 0; Oncotype DX recurrence "
            "score 29. Adjuvant docetaxel-cyclophosphamide x4, then whole-breast radiation and an aromatase inhibitor?"
        ),
        biomarkers=(
            ("ER", "positive", 90),
            ("PR", "positive", 50),
            ("HER2", "negative", None, "IHC 0"),
            ("KI67", "high", 22),
            ("ONCOTYPE_RS", "high", 29, "Recurrence score 29"),
        ),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Docetaxel 75 mg/m² and cyclophosphamide 600 mg/m² every 3 weeks x4, with pegfilgrastim",
                    ("docetaxel", "cyclophosphamide"),
                ),
                ("radiation_therapy", "Whole-breast radiation, 40 Gy in 15 fractions, after chemotherapy"),
                ("systemic_therapy", "Then letrozole 2.5 mg daily for 5 years", ("letrozole",)),
            ),
            rationale="Recurrence score 29: chemotherapy benefit expected (TAILORx); no anthracycline for a "
            "node-negative tumor.",
        ),
        board_plan=adopted("Agreed: TC x4, radiation, then letrozole. Scalp cooling offered."),
        follow_up=DemoFollowUp(
            implemented="partial",
            reason="toxicity",
            note="Febrile neutropenia after cycle 3 despite pegfilgrastim; cycle 4 omitted. Radiation and letrozole "
            "as planned.",
            days_after=60,
        ),
    ),
]
