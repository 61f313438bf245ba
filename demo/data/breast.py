"""Demo cases of the Breast board (Riverside University Cancer Center). Fictional patients."""

from demo.world import DemoCase

_common = {"board": "breast", "site": "breast"}

CASES = [
    DemoCase(
        **_common,
        slug="breast-early-er-positive-no-oncotype",
        scenario="ER+/HER2-/N0 early breast cancer without Oncotype DX or MammaPrint",
        patient=("RUCC-1048213", "Margaret Ellison", "female", 61),
        created_by="navigator",
        treating="surgonc",
        status="submitted",
        histology="Invasive ductal carcinoma, no special type",
        grade="G2",
        stage="cT1c cN0 cM0 pT1c pN0 / IA",
        diagnosed_days_ago=35,
        gfr=84,
        bilirubin=0.5,
        comorbidities=("Hypertension", "Hyperlipidemia"),
        menopausal="post",
        anthracycline=0,
        preferences="Would accept chemotherapy only for a meaningful benefit; wants to stay active (plays tennis).",
        psychosocial="Retired teacher, lives with her husband; strong family support.",
        question=(
            "Left lumpectomy with sentinel node biopsy: 1.6 cm grade 2 IDC, margins negative, 0/2 sentinel nodes; "
            "ER 95%, PR 80%, HER2 1+ (negative), Ki-67 15%. Should we send a genomic assay before deciding on "
            "adjuvant chemotherapy, or proceed to whole-breast radiation and an aromatase inhibitor?"
        ),
        biomarkers=(
            ("ER", "positive", 95, "Allred 8/8"),
            ("PR", "positive", 80),
            ("HER2", "negative", None, "IHC 1+"),
            ("KI67", "low", 15),
        ),
        medications=("Amlodipine", "Atorvastatin"),
    ),
    DemoCase(
        **_common,
        slug="breast-oncotype-rs18",
        scenario="Oncotype DX RS 18 at 58 with chemotherapy proposed (TAILORx)",
        patient=("RUCC-1051977", "Linda Kowalski", "female", 58),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        histology="Invasive ductal carcinoma, no special type",
        grade="G2",
        stage="cT2 cN0 cM0 pT2 pN0 / IIA",
        diagnosed_days_ago=42,
        gfr=91,
        lvef=64,
        bilirubin=0.4,
        comorbidities=("Hypothyroidism",),
        menopausal="post",
        anthracycline=0,
        preferences="First asked for 'everything possible'; now leaning towards avoiding chemotherapy but wants the "
        "board's view.",
        psychosocial="Works full time as an accountant; her mother had breast cancer at 70.",
        question=(
            "Right lumpectomy: 2.4 cm grade 2 IDC, 0/3 sentinel nodes, ER 90% PR 60% HER2 0; Oncotype DX recurrence "
            "score 18. The referring surgeon suggested adjuvant docetaxel-cyclophosphamide x4 because of tumor size. "
            "At 58 and postmenopausal, is there any benefit from chemotherapy over endocrine therapy alone?"
        ),
        biomarkers=(
            ("ER", "positive", 90),
            ("PR", "positive", 60),
            ("HER2", "negative", None, "IHC 0"),
            ("KI67", "low", 12),
            ("ONCOTYPE_RS", "low", 18, "Recurrence score 18"),
        ),
        medications=("Levothyroxine",),
    ),
    DemoCase(
        **_common,
        slug="breast-oncotype-rs31",
        scenario="Oncotype DX RS 31 (chemotherapy benefit)",
        patient=("RUCC-1055302", "Patricia Nguyen", "female", 63),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=2,
        histology="Invasive ductal carcinoma, no special type",
        grade="G3",
        stage="cT1c cN0 cM0 pT1c pN0 / IA",
        diagnosed_days_ago=38,
        gfr=76,
        lvef=60,
        bilirubin=0.6,
        comorbidities=("Type 2 diabetes (HbA1c 6.9%)", "Obesity (BMI 33)"),
        menopausal="post",
        anthracycline=0,
        preferences="Accepts chemotherapy if recommended; worried about neuropathy because she does fine needlework.",
        psychosocial="Lives with her husband and adult son; no financial concerns.",
        question=(
            "Right lumpectomy: 1.8 cm grade 3 IDC, 0/2 sentinel nodes, ER 80% PR 10% HER2 1+; Oncotype DX recurrence "
            "score 31; a germline panel found a pathogenic PALB2 variant. We propose adjuvant docetaxel-"
            "cyclophosphamide x4, then whole-breast radiation and an aromatase inhibitor. Agree, or is an "
            "anthracycline-containing regimen warranted?"
        ),
        biomarkers=(
            ("ER", "positive", 80),
            ("PR", "positive", 10, "weak"),
            ("HER2", "negative", None, "IHC 1+"),
            ("KI67", "high", 35),
            ("ONCOTYPE_RS", "high", 31, "Recurrence score 31"),
        ),
        karnofsky=90,
        body=(87, 162),
        variants=(("PALB2", "c.3113G>A", "germline", "pathogenic"),),
        treatments=(("surgery", "Right lumpectomy and sentinel lymph node biopsy", 24, 24, "completed"),),
        medications=("Metformin", "Lisinopril"),
    ),
    DemoCase(
        **_common,
        slug="breast-tamoxifen-paroxetine-cyp2d6",
        scenario="Tamoxifen planned in a premenopausal ER+ patient on paroxetine, CYP2D6 intermediate metabolizer",
        patient=("RUCC-1060418", "Rebecca Thornton", "female", 41),
        created_by="navigator",
        treating="medonc",
        status="submitted",
        histology="Invasive ductal carcinoma, no special type",
        grade="G1",
        stage="cT1b cN0 cM0 pT1b pN0 / IA",
        diagnosed_days_ago=30,
        gfr=108,
        bilirubin=0.4,
        comorbidities=("Generalized anxiety disorder", "Migraine"),
        menopausal="pre",
        fertility_goals="Two children; does not plan further pregnancies.",
        anthracycline=0,
        preferences="Prefers an oral option; would rather avoid monthly ovarian-suppression injections.",
        psychosocial="Anxiety well controlled on paroxetine for six years; two attempts to taper led to relapse. "
        "Paralegal; children aged 9 and 12.",
        question=(
            "pT1b (0.8 cm) grade 1 IDC, pN0, ER 95% PR 90% HER2 0 after lumpectomy; whole-breast radiation planned. "
            "Adjuvant tamoxifen for 5 years is proposed, but she takes paroxetine 20 mg daily and CYP2D6 genotyping "
            "shows *1/*4. Switch the antidepressant with psychiatry, or use ovarian suppression plus an aromatase "
            "inhibitor instead?"
        ),
        biomarkers=(
            ("ER", "positive", 95),
            ("PR", "positive", 90),
            ("HER2", "negative", None, "IHC 0"),
            ("KI67", "low", 5),
        ),
        pgx=(("CYP2D6", "intermediate", "*1/*4"),),
        medications=("Paroxetine", "Sumatriptan"),
    ),
    DemoCase(
        **_common,
        slug="breast-her2-positive-lvef-missing",
        scenario="HER2-positive breast cancer, trastuzumab planned, LVEF not recorded",
        patient=("RUCC-1063025", "Dolores Ramirez", "female", 55),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        urgency="urgent",
        histology="Invasive ductal carcinoma, no special type",
        grade="G3",
        stage="cT2 cN1 cM0 / IIB",
        diagnosed_days_ago=14,
        ecog=1,
        gfr=88,
        bilirubin=0.7,
        comorbidities=("Hypertension", "Type 2 diabetes"),
        menopausal="post",
        anthracycline=0,
        preferences="Wants to start as soon as possible; would like infusions closer to home (lives 70 miles away).",
        psychosocial="Cares for her mother, who has dementia; her daughter can drive her to appointments.",
        question=(
            "New 3.5 cm grade 3 HER2-positive (IHC 3+), ER-negative IDC with a biopsy-proven axillary node "
            "(cT2 cN1); staging CT and bone scan negative. We propose neoadjuvant docetaxel, carboplatin, "
            "trastuzumab and pertuzumab (TCHP) x6, then surgery. Agree with the regimen and the sequencing?"
        ),
        biomarkers=(
            ("ER", "negative", 0, "<1%"),
            ("PR", "negative", 0),
            ("HER2", "positive", None, "IHC 3+"),
            ("KI67", "high", 45),
        ),
        medications=("Losartan", "Metformin"),
    ),
    DemoCase(
        **_common,
        slug="breast-prior-anthracycline-420",
        scenario="Prior doxorubicin 420 mg/m² and LVEF 48% before HER2-directed therapy",
        patient=("RUCC-1066741", "Jennifer Castillo", "female", 38),
        created_by="medonc",
        treating="medonc",
        status="submitted",
        histology="Invasive ductal carcinoma, no special type",
        grade="G3",
        stage="cT2 cN0 cM0 / IIA",
        diagnosed_days_ago=21,
        gfr=104,
        lvef=48,
        bilirubin=0.5,
        comorbidities=(
            "Osteosarcoma of the left femur at 14 (MAP chemotherapy, limb-sparing surgery)",
            "Anthracycline cardiomyopathy, asymptomatic",
        ),
        menopausal="pre",
        fertility_goals="One child (age 6); undecided about another pregnancy.",
        fertility_discussed=True,
        anthracycline=420,
        preferences="Prefers mastectomy if it avoids radiation; wants to limit cardiac risk.",
        psychosocial="Childhood cancer survivor followed in a survivorship clinic; married, works as a nurse.",
        question=(
            "New 2.8 cm grade 3 ER-positive HER2-positive IDC, cN0. She received doxorubicin 420 mg/m² for "
            "osteosarcoma at 14 and her LVEF is now 48%; germline TP53 testing is pending. Is an anthracycline-free "
            "regimen (TCHP, or weekly paclitaxel with trastuzumab) appropriate, can trastuzumab start with "
            "cardio-oncology monitoring, and should we favour mastectomy to avoid radiation?"
        ),
        biomarkers=(
            ("ER", "positive", 60),
            ("PR", "negative", 0),
            ("HER2", "positive", None, "IHC 3+"),
            ("KI67", "high", 40),
        ),
        karnofsky=90,
        body=(62, 168),
        treatments=(
            (
                "systemic",
                "MAP chemotherapy (methotrexate, doxorubicin, cisplatin)",
                8830,
                8660,
                "completed",
                "doxorubicin 420 mg/m² cumulative",
            ),
            ("surgery", "Limb-sparing resection of the left distal femur", 8760, 8760, "completed"),
        ),
        medications=("Carvedilol", "Lisinopril"),
    ),
    DemoCase(
        **_common,
        slug="breast-tnbc-fertility-34",
        scenario="34-year-old facing gonadotoxic chemotherapy, no fertility-preservation discussion",
        patient=("RUCC-1070086", "Alicia Bennett", "female", 34),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        urgency="urgent",
        histology="Invasive ductal carcinoma, no special type (triple-negative)",
        grade="G3",
        stage="cT2 cN1 cM0 / IIB",
        diagnosed_days_ago=12,
        gfr=118,
        lvef=63,
        bilirubin=0.4,
        menopausal="pre",
        fertility_goals="Nulliparous; recently married and hopes to have children.",
        fertility_discussed=False,
        anthracycline=0,
        preferences="Wants the most effective treatment; asks whether she can keep teaching during chemotherapy.",
        psychosocial="High-school teacher; husband and parents closely involved. Her aunt died of breast cancer.",
        question=(
            "Triple-negative grade 3 IDC, 3.2 cm, with one biopsy-proven axillary node (cT2 cN1). Proposed "
            "neoadjuvant pembrolizumab with paclitaxel/carboplatin followed by doxorubicin/cyclophosphamide "
            "(KEYNOTE-522), then surgery with targeted axillary dissection. Germline testing has been sent. Agree?"
        ),
        biomarkers=(
            ("ER", "negative", 0, "<1%"),
            ("PR", "negative", 0),
            ("HER2", "negative", None, "IHC 0"),
            ("KI67", "high", 80),
        ),
    ),
    DemoCase(
        **_common,
        slug="breast-her2-residual-disease",
        patient=("RUCC-1058830", "Tamara Brooks", "female", 49),
        imaging_days_ago=75,  # the breast MRI before surgery; nothing since
        created_by="surgonc",
        treating="medonc",
        status="submitted",
        histology="Invasive ductal carcinoma, residual disease after neoadjuvant therapy",
        grade="G3",
        stage="cT2 cN1 cM0 ypT1c ypN1a / IIB",
        diagnosed_days_ago=200,
        gfr=96,
        lvef=57,
        bilirubin=0.5,
        menopausal="pre",
        fertility_goals="Has completed childbearing.",
        fertility_discussed=True,
        anthracycline=0,
        preferences="Wants to finish treatment before her son's graduation in the summer if possible.",
        psychosocial="Single parent of a 17-year-old; works as a pharmacist, employer supportive.",
        question=(
            "After 6 cycles of neoadjuvant TCHP, lumpectomy shows 1.2 cm residual invasive carcinoma and a 4 mm "
            "nodal macrometastasis (ypT1c ypN1a). Switch to adjuvant trastuzumab emtansine for 14 cycles "
            "(KATHERINE) with radiation, and consider neratinib afterwards given ER-positive disease?"
        ),
        biomarkers=(
            ("ER", "positive", 70),
            ("PR", "positive", 30),
            ("HER2", "positive", None, "IHC 3+"),
            ("KI67", "high", 30),
        ),
        medications=("Trastuzumab", ("Pertuzumab", "stopped")),
    ),
    DemoCase(
        **_common,
        slug="breast-male-brca2",
        patient=("RUCC-1062114", "Robert Haines", "male", 67),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=2,
        histology="Invasive ductal carcinoma, no special type",
        grade="G2",
        stage="cT2 cN1 cM0 pT2 pN1a / IIB",
        diagnosed_days_ago=45,
        ecog=1,
        gfr=70,
        lvef=58,
        bilirubin=0.7,
        comorbidities=("Coronary artery disease (stent 2019)", "Type 2 diabetes"),
        anthracycline=0,
        preferences="Wants to be around for his grandchildren; accepts chemotherapy.",
        psychosocial="Retired firefighter; married, two daughters in their thirties.",
        question=(
            "Male breast cancer after mastectomy: 2.2 cm grade 2 IDC, 2/12 nodes positive, ER 100% PR 90% HER2 "
            "negative; germline pathogenic BRCA2 variant. Adjuvant chemotherapy, then tamoxifen, plus one year of "
            "olaparib (OlympiA)? Please also advise on prostate and pancreatic surveillance and cascade testing "
            "for his daughters."
        ),
        biomarkers=(
            ("ER", "positive", 100),
            ("PR", "positive", 90),
            ("HER2", "negative", None, "IHC 1+"),
            ("KI67", "low", 18),
            ("BRCA2", "detected", None, "germline c.5946del (p.Ser1982fs), pathogenic"),
        ),
        body=(88, 178),
        variants=(("BRCA2", "c.5946del", "germline", "pathogenic"),),
        treatments=(("surgery", "Left mastectomy and axillary lymph node dissection", 30, 30, "completed"),),
        medications=("Aspirin", "Atorvastatin", "Metformin"),
    ),
]
