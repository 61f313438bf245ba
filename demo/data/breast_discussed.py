"""Demo cases the Breast board has discussed (Riverside University Cancer Center), with the presenter's plan,
the specialty reviews, the board's recommendation and the follow-through. Fictional patients.

The board changed 2 of its 8 recommendations (25%): a pathology re-read upgraded a tumor and the board asked
for a genomic assay; a HER2-low metastatic case was moved from capecitabine to trastuzumab deruxtecan.
"""

from demo.world import DemoCase, DemoFollowUp, DemoPlan, adopted

_common = {"board": "breast", "site": "breast"}

CASES = [
    DemoCase(
        **_common,
        slug="breast-metastatic-hr-positive-second-line",
        patient=("RUCC-0987342", "Carol Jefferson", "female", 67),
        created_by="medonc",
        treating="medonc",
        status="recommended",
        meeting=-1,
        histology="Invasive ductal carcinoma, no special type",
        grade="G2",
        stage="cT2 cN1 cM1 / IV",
        metastatic_sites=("bone", "liver"),
        metastasis_count=9,
        diagnosed_days_ago=700,
        ecog=1,
        gfr=72,
        lvef=60,
        bilirubin=0.8,
        comorbidities=("Osteoporosis",),
        menopausal="post",
        goc_discussed=True,
        intent="disease_control",
        preferences="Values time at home with her grandchildren; prefers oral therapy to infusions. Her daughter is "
        "her health-care proxy.",
        psychosocial="Widowed, lives alone; daughter lives nearby.",
        question=(
            "De novo metastatic ER-positive HER2-negative breast cancer (bone, liver) progressing in the liver after "
            "22 months of letrozole + palbociclib; asymptomatic. ctDNA: PIK3CA H1047R, no ESR1 mutation. Second line: "
            "fulvestrant with capivasertib or alpelisib, or capecitabine?"
        ),
        biomarkers=(
            ("ER", "positive", 90),
            ("PR", "positive", 20),
            ("HER2", "negative", None, "IHC 1+"),
            ("BRCA1", "not_detected", None, "germline"),
            ("BRCA2", "not_detected", None, "germline"),
        ),
        medications=(("Letrozole", "stopped"), ("Palbociclib", "stopped"), "Denosumab", "Calcium and vitamin D"),
        treatments=(("systemic", "Letrozole and palbociclib", 690, 20, "stopped", "First line, 22 months"),),
        proposed=DemoPlan(
            intent="disease_control",
            components=(
                (
                    "systemic_therapy",
                    "Fulvestrant 500 mg days 1, 15, 29, then every 28 days, with capivasertib 400 mg twice daily, "
                    "4 days on, 3 days off (CAPItello-291)",
                    ("fulvestrant", "capivasertib"),
                ),
                ("supportive_care", "Continue denosumab every 4 weeks with calcium and vitamin D; dental review"),
            ),
            rationale="Endocrine-sensitive disease (22 months on a CDK4/6 inhibitor), no visceral crisis, PIK3CA "
            "H1047R: one more endocrine-based line before chemotherapy, as an oral treatment she prefers.",
        ),
        board_plan=adopted(
            "Agreed: fulvestrant with capivasertib for PIK3CA-altered disease after a CDK4/6 inhibitor. HbA1c and "
            "fasting glucose before the first dose; capecitabine kept for the next progression.",
            guideline="NCCN Breast Cancer v5.2024",
        ),
    ),
    DemoCase(
        **_common,
        slug="breast-older-omit-radiation",
        patient=("RUCC-0991560", "Evelyn Hartley", "female", 76),
        created_by="surgonc",
        treating="surgonc",
        status="closed",
        meeting=-5,
        histology="Invasive ductal carcinoma, no special type",
        grade="G1",
        stage="cT1b cN0 cM0 pT1b pN0 / IA",
        diagnosed_days_ago=60,
        ecog=1,
        gfr=58,
        bilirubin=0.5,
        comorbidities=("Atrial fibrillation", "Chronic kidney disease stage 3a", "Osteoarthritis"),
        menopausal="post",
        preferences="Would prefer to avoid daily radiation visits; willing to take endocrine therapy.",
        psychosocial="Main caregiver of her husband, who has early Parkinson disease.",
        question=(
            "76-year-old after lumpectomy for a 0.9 cm grade 1 ER/PR-positive HER2-negative IDC, sentinel node "
            "negative, clear margins. Is it reasonable to omit whole-breast radiation and give an aromatase inhibitor "
            "alone (CALGB 9343, PRIME II)?"
        ),
        biomarkers=(("ER", "positive", 100), ("PR", "positive", 70), ("HER2", "negative", None, "IHC 1+")),
        medications=("Apixaban", "Metoprolol succinate", "Anastrozole"),
        treatments=(("surgery", "Left lumpectomy and sentinel lymph node biopsy", 45, 45, "completed"),),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("systemic_therapy", "Adjuvant anastrozole 1 mg daily for 5 years (started)", ("anastrozole",)),
                ("supportive_care", "Bone health on the aromatase inhibitor: baseline DXA scan, calcium and vitamin D"),
            ),
            rationale="Whole-breast radiation omitted: in women over 70 with small node-negative ER-positive tumors it "
            "lowers local recurrence (about 10% to 2% at 10 years) without improving survival (CALGB 9343, PRIME II).",
        ),
        board_plan=adopted(
            "Radiation omitted after weighing the absolute local-recurrence benefit against her caregiving duties; "
            "adherence to endocrine therapy is the condition.",
            consensus="majority",
            dissent="Radiation oncology would offer 26 Gy in 5 fractions (FAST-Forward) should she reconsider.",
            guideline="NCCN Breast Cancer v5.2024",
        ),
        follow_up=DemoFollowUp(implemented="yes", note="Tolerating anastrozole; DXA scan booked.", days_after=5),
    ),
    DemoCase(
        **_common,
        slug="breast-lobular-node-positive",
        patient=("RUCC-0994218", "Susan Whitmore", "female", 66),
        created_by="medonc",
        treating="medonc",
        status="discussed",
        meeting=-1,
        histology="Invasive lobular carcinoma, classic type",
        grade="G2",
        stage="cT2 cN0 cM0 pT2 pN1a / IIB",
        diagnosed_days_ago=49,
        gfr=81,
        lvef=62,
        bilirubin=0.6,
        comorbidities=("Hypertension",),
        menopausal="post",
        anthracycline=0,
        preferences="Wants to avoid chemotherapy if the benefit is small.",
        psychosocial="Lives with her partner; volunteers at a food bank.",
        question=(
            "Mastectomy: 3.1 cm classic ILC, 2 of 14 axillary nodes positive (pN1a), ER 98% PR 40% HER2 0, "
            "Oncotype DX recurrence score 14. Postmenopausal: endocrine therapy alone (RxPONDER)? Is she a candidate "
            "for adjuvant abemaciclib (monarchE) and for post-mastectomy radiation?"
        ),
        biomarkers=(
            ("ER", "positive", 98),
            ("PR", "positive", 40),
            ("HER2", "negative", None, "IHC 0"),
            ("KI67", "low", 10),
            ("ONCOTYPE_RS", "low", 14, "Recurrence score 14"),
        ),
        medications=("Hydrochlorothiazide",),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Letrozole 2.5 mg daily for 5 years with ribociclib 400 mg daily, 3 weeks on, 1 off, for 3 years "
                    "(NATALEE; monarchE criteria for abemaciclib not met)",
                    ("letrozole", "ribociclib"),
                ),
                ("radiation_therapy", "Post-mastectomy radiation to the chest wall and regional nodes (pN1a)"),
            ),
            rationale="RS 14 with 1 to 3 positive nodes after menopause: no chemotherapy benefit (RxPONDER). Stage II "
            "node-positive disease qualifies for adjuvant ribociclib.",
        ),
    ),
    DemoCase(
        **_common,
        slug="breast-her2-positive-neoadjuvant-tchp",
        patient=("RUCC-0978815", "Angela Moreno", "female", 44),
        created_by="medonc",
        treating="medonc",
        status="closed",
        meeting=-12,
        histology="Invasive ductal carcinoma, no special type",
        grade="G3",
        stage="cT2 cN1 cM0 / IIB",
        diagnosed_days_ago=100,
        gfr=104,
        lvef=63,
        bilirubin=0.4,
        menopausal="pre",
        fertility_goals="Has two children and does not plan further pregnancies.",
        fertility_discussed=True,
        anthracycline=0,
        preferences="Would like breast-conserving surgery if the tumor shrinks.",
        psychosocial="Paralegal; married, two school-age children; her mother helps with childcare.",
        question=(
            "3.4 cm grade 3 IDC of the left breast with a biopsy-proven axillary node, ER 5% (ER-low), PR negative, "
            "HER2 IHC 3+, Ki-67 45%. Neoadjuvant TCHP x6, then surgery, with adjuvant HER2-directed therapy chosen by "
            "the pathological response?"
        ),
        biomarkers=(
            ("ER", "positive", 5, "ER-low (1-10%)"),
            ("PR", "negative", 0),
            ("HER2", "positive", None, "IHC 3+"),
            ("KI67", "high", 45),
        ),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Neoadjuvant TCHP: docetaxel 75 mg/m², carboplatin AUC 6, trastuzumab and pertuzumab every 3 weeks "
                    "x6",
                    ("docetaxel", "carboplatin", "trastuzumab", "pertuzumab"),
                    6.0,
                ),
                ("surgery", "Breast-conserving surgery with targeted axillary dissection (clipped node) after TCHP"),
                ("radiation_therapy", "Whole-breast and regional nodal radiation after surgery"),
            ),
            rationale="Node-positive HER2-positive disease: neoadjuvant dual HER2 blockade, then adjuvant therapy "
            "adapted to the response.",
        ),
        board_plan=adopted(
            "Agreed. Baseline LVEF 63%; echocardiogram every 3 months on trastuzumab. Trastuzumab emtansine if "
            "there is residual disease (KATHERINE), otherwise complete a year of trastuzumab and pertuzumab.",
            guideline="NCCN Breast Cancer v5.2024",
        ),
        follow_up=DemoFollowUp(implemented="yes", note="Cycle 2 of TCHP given; LVEF stable.", days_after=28),
    ),
    DemoCase(
        **_common,
        slug="breast-tnbc-neoadjuvant-pembrolizumab",
        patient=("RUCC-1041186", "Jasmine Carter", "female", 38),
        created_by="medonc",
        treating="medonc",
        status="recommended",
        meeting=-4,
        histology="Invasive ductal carcinoma, no special type",
        grade="G3",
        stage="cT2 cN1 cM0 / IIB",
        diagnosed_days_ago=35,
        gfr=112,
        lvef=66,
        bilirubin=0.4,
        menopausal="pre",
        fertility_goals="Would like a second child after treatment.",
        fertility_discussed=True,
        anthracycline=0,
        preferences="Wants to start treatment quickly; completed oocyte cryopreservation last week.",
        psychosocial="Pediatric nurse; married, one daughter aged 3.",
        question=(
            "Triple-negative 3.0 cm grade 3 IDC with one biopsy-proven axillary node; germline BRCA1/2 negative. "
            "Neoadjuvant pembrolizumab with carboplatin-paclitaxel, then doxorubicin-cyclophosphamide (KEYNOTE-522), "
            "surgery and adjuvant pembrolizumab?"
        ),
        biomarkers=(
            ("ER", "negative", 0),
            ("PR", "negative", 0),
            ("HER2", "negative", None, "IHC 1+"),
            ("KI67", "high", 70),
            ("BRCA1", "not_detected", None, "germline"),
            ("BRCA2", "not_detected", None, "germline"),
        ),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("fertility_preservation", "Oocyte cryopreservation done; goserelin during chemotherapy"),
                (
                    "systemic_therapy",
                    "Pembrolizumab 200 mg every 3 weeks with weekly paclitaxel 80 mg/m² and carboplatin AUC 1.5 for "
                    "12 weeks",
                    ("pembrolizumab", "paclitaxel", "carboplatin"),
                    1.5,
                ),
                ("systemic_therapy", "Then pembrolizumab with AC every 3 weeks x4", ("pembrolizumab", "AC")),
                ("surgery", "Surgery 3 to 6 weeks after chemotherapy, then adjuvant pembrolizumab x9"),
                ("radiation_therapy", "Whole-breast or chest-wall and regional nodal radiation after surgery"),
            ),
            rationale="Stage II triple-negative disease: KEYNOTE-522 improved pathological complete response and "
            "overall survival.",
        ),
        board_plan=adopted(
            "Agreed: KEYNOTE-522. If there is residual disease after surgery, add capecitabine (CREATE-X).",
            guideline="ASCO neoadjuvant therapy for breast cancer (2021)",
        ),
    ),
]
