"""Demo cases the Thoracic board has discussed (Riverside University Cancer Center), with the presenter's plan,
the specialty reviews, the board's recommendation and the follow-through. Fictional patients.

The board changed 2 of its 5 recommendations (40%): an imaging re-read found contralateral mediastinal nodes
(surgery replaced by chemoradiation), and a KRAS G12C case was referred to a trial instead of docetaxel.
"""

from demo.world import DemoCase, DemoFollowUp, DemoPlan, DemoReview, adopted

_common = {"board": "thoracic", "site": "lung"}

CASES = [
    DemoCase(
        **_common,
        slug="lung-oligometastatic-sabr",
        scenario="Oligometastatic NSCLC (2 metastases): consider SABR",
        patient=("RUCC-0996704", "Francis O'Brien", "male", 64),
        created_by="radonc",
        treating="medonc",
        status="recommended",
        meeting=-1,
        histology="Adenocarcinoma",
        grade="G3",
        stage="cT2a cN1 cM1c / IVB",
        metastatic_sites=("brain", "adrenal gland"),
        metastasis_count=2,
        diagnosed_days_ago=60,
        gfr=88,
        bilirubin=0.4,
        goc_discussed=True,
        intent="disease_control",
        preferences="Motivated for aggressive treatment; runs a small construction company.",
        psychosocial="Married; former smoker (25 pack-years, quit at 50).",
        question=(
            "Synchronous oligometastatic NSCLC: 1.4 cm right frontal brain metastasis and 2.5 cm left adrenal "
            "metastasis (cT2a cN1 cM1c), PD-L1 TPS 70%, KRAS G12C, EGFR/ALK/ROS1 negative. Proposed radiosurgery to "
            "the brain lesion and pembrolizumab, then consolidative SABR to the adrenal and thoracic disease if there "
            "is no progression at 3 months. Agree?"
        ),
        biomarkers=(
            ("PD-L1", "high", 70, "TPS 70% (22C3)"),
            ("KRAS", "detected", None, "G12C"),
            ("EGFR", "not_detected"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
        ),
        medications=(("Dexamethasone", "stopped"), "Atorvastatin"),
        proposed=DemoPlan(
            intent="disease_control",
            components=(
                ("radiation_therapy", "Stereotactic radiosurgery to the right frontal metastasis, 20 Gy in 1 fraction"),
                ("systemic_therapy", "Pembrolizumab 200 mg every 3 weeks (PD-L1 TPS 70%)", ("pembrolizumab",)),
                (
                    "radiation_therapy",
                    "Consolidative SABR to the adrenal metastasis and the thoracic disease if there is no progression "
                    "at the 3-month restaging",
                ),
            ),
            rationale="Two synchronous metastases with a strong PD-L1 signal: immunotherapy, with local treatment of "
            "every site (SABR-COMET, consolidative radiotherapy trials).",
        ),
        board_plan=adopted(
            "Agreed: radiosurgery now, pembrolizumab, and consolidative SABR after the 3-month PET-CT if there is "
            "no new site."
        ),
    ),
    DemoCase(
        **_common,
        slug="lung-early-stage-inoperable-sbrt",
        patient=("RUCC-0989117", "Eleanor Fitzgerald", "female", 81),
        created_by="radonc",
        treating="radonc",
        status="closed",
        meeting=-5,
        histology="Squamous cell carcinoma",
        grade="G2",
        stage="cT1b cN0 cM0 / IA2",
        diagnosed_days_ago=70,
        ecog=1,
        gfr=55,
        bilirubin=0.5,
        comorbidities=("Severe COPD (FEV1 38% predicted, DLCO 35%)", "Nocturnal home oxygen"),
        menopausal="post",
        preferences="Prefers a non-surgical option; lives independently with help from neighbours.",
        psychosocial="Widowed; niece is her emergency contact.",
        question=(
            "81-year-old with a 1.7 cm PET-avid peripheral right lower lobe squamous cell carcinoma, cT1b cN0 "
            "(EBUS negative), medically inoperable by pulmonary function. Confirm stereotactic body radiotherapy, "
            "54 Gy in 3 fractions, rather than sublobar resection."
        ),
        medications=("Budesonide-formoterol", "Tiotropium"),
        proposed=DemoPlan(
            intent="curative",
            components=(("radiation_therapy", "Stereotactic body radiotherapy, 54 Gy in 3 fractions"),),
            rationale="Peripheral node-negative tumor in a medically inoperable patient: SBRT controls 90% locally.",
        ),
        board_plan=adopted("Medically inoperable (FEV1 38%, DLCO 35%): SBRT is the standard of care."),
        follow_up=DemoFollowUp(implemented="yes", note="SBRT completed in 3 fractions over one week.", days_after=6),
    ),
    DemoCase(
        **_common,
        slug="lung-imaging-reread-n3",
        patient=("RUCC-0975561", "Walter Brennan", "male", 59),
        created_by="surgonc",
        treating="surgonc",
        status="closed",
        meeting=-13,
        histology="Adenocarcinoma",
        grade="G2",
        stage="cT2a cN1 cM0 / IIB",
        diagnosed_days_ago=110,
        ecog=1,
        gfr=92,
        bilirubin=0.5,
        comorbidities=("COPD, mild (FEV1 78% predicted)", "Hypertension"),
        preferences="Wants surgery if it offers the best chance of cure.",
        psychosocial="Electrician; married. Current smoker (40 pack-years), in the cessation program.",
        question=(
            "3.8 cm right upper lobe adenocarcinoma with an FDG-avid right hilar node on the outside PET-CT, read as "
            "cT2a cN1 cM0; EGFR, ALK and ROS1 negative, PD-L1 TPS 30%. Proposed: right upper lobectomy with "
            "mediastinal lymph node dissection, then adjuvant cisplatin-pemetrexed. Please review the PET-CT."
        ),
        biomarkers=(
            ("EGFR", "not_detected"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
            ("KRAS", "detected", None, "G12V"),
            ("PD-L1", "positive", 30, "TPS 30% (22C3)"),
        ),
        medications=("Tiotropium", "Amlodipine", "Varenicline"),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("surgery", "Right upper lobectomy with systematic mediastinal lymph node dissection"),
                ("systemic_therapy", "Adjuvant cisplatin and pemetrexed every 3 weeks x4", ("cisplatin", "pemetrexed")),
            ),
            rationale="Resectable stage IIB disease: lobectomy, then adjuvant platinum doublet.",
        ),
        reviews=(
            DemoReview(
                kind="imaging_reread",
                author="radiologist",
                findings="Re-read of the outside PET-CT: besides the right hilar node, a 1.3 cm left lower "
                "paratracheal (4L) node, SUVmax 6.8, and a 1.1 cm subcarinal node, both FDG-avid. No distant disease. "
                "Contralateral mediastinal involvement: cN3.",
                recommendation="EBUS-TBNA of 4L and 7 to confirm; brain MRI for stage III disease.",
                revisions=(
                    ("clinical_n", "N3", "FDG-avid contralateral mediastinal (4L) node on re-read of the PET-CT."),
                    ("stage_group", "IIIB", "cT2a cN3 cM0 is stage IIIB (AJCC 8th edition)."),
                ),
            ),
        ),
        board_plan=DemoPlan(
            intent="curative",
            components=(
                ("further_diagnostics", "EBUS-TBNA of stations 4L and 7, and brain MRI, before treatment"),
                (
                    "systemic_therapy",
                    "Weekly carboplatin AUC 2 and paclitaxel 45 mg/m² concurrent with radiation",
                    ("carboplatin", "paclitaxel"),
                    2.0,
                ),
                ("radiation_therapy", "Definitive thoracic radiation, 60 Gy in 30 fractions"),
                ("systemic_therapy", "Consolidation durvalumab for 12 months (PACIFIC)", ("durvalumab",)),
            ),
            rationale="N3 disease on the re-read makes this unresectable stage IIIB: definitive chemoradiation, then "
            "durvalumab, once EBUS confirms the contralateral node.",
            consensus="majority",
            dissent="Thoracic surgery would reconsider resection if EBUS finds the 4L node negative.",
        ),
        follow_up=DemoFollowUp(
            implemented="yes",
            note="EBUS confirmed N3 (4L); chemoradiation completed and durvalumab started.",
            days_after=56,
        ),
    ),
    DemoCase(
        **_common,
        slug="lung-egfr-exon19-metastatic",
        patient=("RUCC-0958870", "Lucy Tanaka", "female", 57),
        created_by="medonc",
        treating="medonc",
        status="recommended",
        meeting=-9,
        histology="Adenocarcinoma",
        grade="G2",
        stage="cT3 cN2 cM1c / IVB",
        metastatic_sites=("bone", "brain"),
        metastasis_count=7,
        diagnosed_days_ago=80,
        ecog=1,
        gfr=88,
        lvef=62,
        bilirubin=0.5,
        menopausal="post",
        goc_discussed=True,
        intent="disease_control",
        preferences="Prefers an oral treatment; wants to keep teaching piano.",
        psychosocial="Never smoker; lives with her husband, their daughter is at college.",
        question=(
            "Never-smoker with metastatic lung adenocarcinoma (bone, three asymptomatic brain metastases under 1 cm), "
            "EGFR exon 19 deletion. First-line osimertinib alone, or with platinum-pemetrexed (FLAURA2)? Upfront "
            "radiosurgery for the brain lesions?"
        ),
        biomarkers=(
            ("EGFR", "detected", None, "exon 19 deletion (p.E746_A750del)"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
            ("KRAS", "not_detected"),
            ("PD-L1", "low", 10, "TPS 10% (22C3)"),
        ),
        proposed=DemoPlan(
            intent="disease_control",
            components=(
                ("systemic_therapy", "Osimertinib 80 mg daily (FLAURA)", ("osimertinib",)),
                ("supportive_care", "Denosumab for the bone metastases; brain MRI every 8 to 12 weeks"),
            ),
            rationale="EGFR exon 19 deletion with small asymptomatic brain metastases: a CNS-active EGFR inhibitor; "
            "radiosurgery held for lesions that do not respond.",
        ),
        board_plan=adopted(
            "Osimertinib alone after discussing FLAURA2; platinum-pemetrexed added at progression.",
            consensus="majority",
            dissent="One medical oncologist favored adding platinum-pemetrexed now given the brain involvement.",
        ),
    ),
    DemoCase(
        **_common,
        slug="lung-kras-g12c-second-line",
        patient=("RUCC-0966415", "Gerald Novak", "male", 68),
        created_by="medonc",
        treating="medonc",
        status="recommended",
        meeting=-7,
        histology="Adenocarcinoma",
        grade="G3",
        stage="cT4 cN2 cM1c / IVB",
        metastatic_sites=("liver", "bone"),
        metastasis_count=6,
        diagnosed_days_ago=300,
        ecog=1,
        gfr=74,
        bilirubin=0.7,
        comorbidities=("Coronary artery disease", "Type 2 diabetes"),
        goc_discussed=True,
        intent="disease_control",
        preferences="Interested in clinical trials; lives 90 minutes away but his son can drive him.",
        psychosocial="Retired machinist; former smoker (50 pack-years).",
        question=(
            "Progression in the liver and bones after carboplatin-pemetrexed-pembrolizumab and 8 months of "
            "pemetrexed-pembrolizumab maintenance; KRAS G12C, PD-L1 TPS 5%. Second line: docetaxel, or a KRAS G12C "
            "inhibitor?"
        ),
        biomarkers=(
            ("EGFR", "not_detected"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
            ("KRAS", "detected", None, "G12C"),
            ("PD-L1", "low", 5, "TPS 5% (22C3)"),
        ),
        medications=(("Pemetrexed", "stopped"), ("Pembrolizumab", "stopped"), "Metformin", "Aspirin"),
        proposed=DemoPlan(
            intent="disease_control",
            components=(("systemic_therapy", "Docetaxel 75 mg/m² every 3 weeks", ("docetaxel",)),),
            rationale="Standard second line after platinum and immunotherapy.",
        ),
        board_plan=DemoPlan(
            intent="disease_control",
            components=(
                (
                    "clinical_trial",
                    "Refer to the open phase 3 trial of a next-generation KRAS G12C inhibitor; screening visit booked",
                ),
                ("systemic_therapy", "Sotorasib 960 mg daily if not eligible (CodeBreaK 200)", ("sotorasib",)),
            ),
            rationale="KRAS G12C: a targeted second line is preferred to docetaxel, within a trial first.",
            consensus="unanimous",
        ),
    ),
]
