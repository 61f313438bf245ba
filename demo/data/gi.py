"""Demo cases of the GI board (Riverside University Cancer Center). Fictional patients."""

from demo.world import DemoCase

_gi = {"board": "gi"}
_dpyd_normal = ("DPYD", "normal", "*1/*1 (no variant detected)")

CASES = [
    DemoCase(
        **_gi,
        slug="colon-folfox-no-dpyd",
        scenario="FOLFOX planned for colon cancer without a DPYD result",
        patient=("RUCC-1057728", "Anthony Russo", "male", 57),
        created_by="surgonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        site="colorectal",
        histology="Adenocarcinoma of the sigmoid colon",
        grade="G2",
        stage="cT3 cN1 cM0 pT3 pN1b / IIIB",
        diagnosed_days_ago=30,
        gfr=94,
        bilirubin=0.6,
        comorbidities=("Type 2 diabetes", "Hypertension"),
        preferences="Would prefer fewer infusion visits; works night shifts as a warehouse supervisor.",
        psychosocial="Married, two teenagers; worried about time off work.",
        question=(
            "Laparoscopic sigmoid colectomy: pT3 pN1b (3/22 nodes) moderately differentiated adenocarcinoma, pMMR, "
            "KRAS G12D; CEA normal after surgery. Proposed adjuvant FOLFOX for 6 months starting in two weeks. Would "
            "3 months of CAPOX (IDEA) be as good for this low-risk stage III disease?"
        ),
        biomarkers=(
            ("MSI", "not_detected", None, "pMMR (MLH1, PMS2, MSH2, MSH6 retained)"),
            ("KRAS", "detected", None, "G12D"),
            ("BRAF", "not_detected"),
        ),
        medications=("Metformin", "Lisinopril"),
    ),
    DemoCase(
        **_gi,
        slug="rectal-dpyd-intermediate-capecitabine",
        scenario="DPYD intermediate metabolizer with capecitabine planned",
        patient=("RUCC-1061190", "Catherine Doyle", "female", 63),
        created_by="radonc",
        treating="radonc",
        status="submitted",
        site="colorectal",
        histology="Adenocarcinoma of the mid rectum",
        grade="G2",
        stage="cT3 cN1 cM0 / IIIB",
        diagnosed_days_ago=25,
        gfr=82,
        bilirubin=0.5,
        comorbidities=("Hypothyroidism",),
        menopausal="post",
        preferences="Strongly wishes to avoid a permanent stoma; interested in organ preservation.",
        psychosocial="Lives with her wife; both recently retired.",
        question=(
            "Mid-rectal adenocarcinoma 7 cm from the anal verge, MRI cT3c cN1 with a clear mesorectal fascia, pMMR. "
            "Proposed total neoadjuvant therapy: long-course chemoradiation with capecitabine 825 mg/m² twice daily, "
            "consolidation CAPOX, then TME or watch-and-wait. DPYD c.1905+1G>A heterozygous (activity score 1). "
            "How should we adjust the fluoropyrimidine dose, or would short-course radiotherapy reduce exposure?"
        ),
        biomarkers=(("MSI", "not_detected", None, "pMMR"),),
        pgx=(("DPYD", "intermediate", "*1/*2A (c.1905+1G>A heterozygous), activity score 1.0"),),
        medications=("Levothyroxine",),
    ),
    DemoCase(
        **_gi,
        slug="colon-ugt1a1-poor-folfiri",
        scenario="UGT1A1 *28/*28 (poor metabolizer) with FOLFIRI planned",
        patient=("RUCC-0979455", "Samuel Adeyemi", "male", 59),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        site="colorectal",
        histology="Adenocarcinoma of the descending colon",
        grade="G2",
        stage="cT4a cN2a cM1b / IVB",
        metastatic_sites=("liver", "lung"),
        diagnosed_days_ago=300,
        ecog=1,
        gfr=88,
        bilirubin=1.6,
        comorbidities=("Gilbert syndrome", "Oxaliplatin neuropathy, grade 2"),
        goc_discussed=True,
        intent="disease_control",
        preferences="Wants to continue treatment; hopes to travel to his daughter's wedding in three months.",
        psychosocial="Married, civil engineer; good support at home.",
        question=(
            "Metastatic left-sided colon cancer (liver, lung), KRAS G12V, pMMR, progressing after 9 months of "
            "FOLFOX + bevacizumab (oxaliplatin stopped at cycle 8 for neuropathy). Second-line FOLFIRI + "
            "bevacizumab is proposed. He is UGT1A1 *28/*28 with an indirect bilirubin of 1.6 mg/dL: which irinotecan "
            "starting dose, or is there a suitable clinical trial?"
        ),
        biomarkers=(
            ("KRAS", "detected", None, "G12V"),
            ("BRAF", "not_detected"),
            ("MSI", "not_detected", None, "pMMR"),
        ),
        pgx=(("UGT1A1", "poor", "*28/*28"), _dpyd_normal),
        medications=(("Oxaliplatin", "stopped"), ("Fluorouracil", "stopped"), ("Bevacizumab", "stopped"), "Duloxetine"),
    ),
    DemoCase(
        **_gi,
        slug="colon-msi-high-metastatic",
        scenario="MSI-H/dMMR colon cancer (pembrolizumab)",
        patient=("RUCC-1072601", "Heather Collins", "female", 44),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        site="colorectal",
        histology="Adenocarcinoma of the ascending colon with mucinous features",
        grade="G3",
        stage="cT4a cN1 cM1c / IVC",
        metastatic_sites=("peritoneum",),
        diagnosed_days_ago=30,
        ecog=1,
        gfr=105,
        bilirubin=0.5,
        menopausal="pre",
        fertility_goals="One child; not planning further pregnancies.",
        intent="disease_control",
        preferences="Prefers the least toxic option that lets her keep working part time.",
        psychosocial="Single mother of a 12-year-old; her mother had endometrial cancer at 48.",
        question=(
            "Right colon adenocarcinoma with peritoneal metastases (PCI about 14 at laparoscopy), MSI-high with loss "
            "of MSH2/MSH6, BRAF wild-type. First-line pembrolizumab (KEYNOTE-177) or nivolumab + ipilimumab "
            "(CheckMate 8HW)? Any later role for cytoreductive surgery? Germline testing for Lynch syndrome is sent."
        ),
        biomarkers=(
            ("MSI", "high", None, "dMMR: loss of MSH2 and MSH6"),
            ("BRAF", "not_detected"),
            ("KRAS", "not_detected"),
            ("TMB", "high", 42, "42 mutations/Mb"),
        ),
        medications=("Omeprazole",),
    ),
    DemoCase(
        **_gi,
        slug="gej-metastatic-no-goals-of-care",
        scenario="Metastatic disease diagnosed 13 weeks ago, no goals-of-care discussion",
        patient=("RUCC-1040938", "Richard Palmer", "male", 67),
        created_by="medonc",
        treating="medonc",
        status="submitted",
        site="esophagogastric",
        histology="Adenocarcinoma of the gastroesophageal junction (Siewert II), intestinal type",
        grade="G3",
        stage="cT3 cN2 cM1 / IVB",
        metastatic_sites=("peritoneum", "liver"),
        diagnosed_days_ago=91,
        ecog=1,
        gfr=74,
        bilirubin=0.8,
        comorbidities=("Barrett esophagus", "Hypertension"),
        goc_discussed=False,
        intent="disease_control",
        preferences="Focused on getting through treatment; has not said what he would want if it stops working.",
        psychosocial="Lives with his wife, who is anxious and calls often for updates.",
        question=(
            "Metastatic GEJ adenocarcinoma (peritoneum, liver), HER2-negative, pMMR, PD-L1 CPS 12, claudin 18.2 "
            "negative. After 6 cycles of FOLFOX + nivolumab, restaging CT shows stable peritoneal disease but a new "
            "1.5 cm liver lesion. Continue, switch to paclitaxel + ramucirumab, or refer for a clinical trial?"
        ),
        biomarkers=(
            ("HER2", "negative", None, "IHC 1+"),
            ("MSI", "not_detected", None, "pMMR"),
            ("PD-L1", "positive", 12, "CPS 12 (22C3)"),
        ),
        pgx=(_dpyd_normal,),
        medications=("Oxaliplatin", "Fluorouracil", "Leucovorin", "Nivolumab", "Pantoprazole", "Amlodipine"),
    ),
    DemoCase(
        **_gi,
        slug="pancreas-borderline-folfirinox",
        scenario="Pancreatic cancer, FOLFIRINOX candidate (no DPYD/UGT1A1 result)",
        patient=("RUCC-1070772", "Steven Becker", "male", 58),
        created_by="surgonc",
        treating="surgonc",
        status="scheduled",
        meeting=1,
        urgency="urgent",
        site="pancreas",
        histology="Ductal adenocarcinoma of the pancreatic head",
        grade="G2",
        stage="cT2 cN1 cM0 / IIB",
        diagnosed_days_ago=18,
        gfr=97,
        bilirubin=1.2,
        comorbidities=("New-onset diabetes", "Biliary obstruction, metal stent placed"),
        preferences="Determined to have surgery; understands the risks.",
        psychosocial="High-school principal; married with three adult children.",
        question=(
            "Borderline resectable pancreatic head adenocarcinoma: 2.8 cm, 180° SMV abutment without occlusion, no "
            "arterial involvement, CA 19-9 410 U/mL after biliary drainage. Proposed neoadjuvant mFOLFIRINOX for "
            "4 months, restaging, then pancreaticoduodenectomy with possible venous resection. Agree? Role of SBRT? "
            "Germline testing has been sent."
        ),
        biomarkers=(("KRAS", "detected", None, "G12D"), ("MSI", "not_detected", None, "pMMR")),
        medications=("Metformin", "Pancrelipase"),
    ),
    DemoCase(
        **_gi,
        slug="hcc-information-requested",
        patient=("RUCC-1067390", "Luis Fernandez", "male", 66),
        created_by="navigator",
        treating="medonc",
        status="info_requested",
        reason="Please attach the multiphase contrast MRI report and current Child-Pugh/MELD labs; the outside CT is "
        "9 weeks old.",
        documents_missing=("pathology",),  # a LI-RADS 5 lesion is diagnosed on imaging, without a biopsy
        imaging_days_ago=63,
        site="hepatobiliary",
        histology="Hepatocellular carcinoma (LI-RADS 5, not biopsied)",
        stage="cT2 cN0 cM0 / II",
        diagnosed_days_ago=40,
        ecog=1,
        gfr=76,
        bilirubin=1.4,
        comorbidities=("Cirrhosis due to MASH, Child-Pugh A6", "Type 2 diabetes", "Obesity (BMI 34)", "Banded varices"),
        intent="disease_control",
        preferences="Wants to know whether a liver transplant is possible.",
        psychosocial="Abstinent from alcohol; lives with his wife and adult son.",
        question=(
            "Two LI-RADS 5 lesions (3.2 and 2.4 cm, segments VII and VIII) in MASH cirrhosis, Child-Pugh A6, MELD 9, "
            "AFP 86 ng/mL; BCLC B, just outside Milan criteria. TACE, SBRT to both lesions, or atezolizumab + "
            "bevacizumab? Is downstaging to transplant criteria realistic?"
        ),
        medications=("Metformin", "Carvedilol"),
    ),
    DemoCase(
        **_gi,
        slug="esophagus-flot-or-cross",
        patient=("RUCC-1075218", "Kevin Walsh", "male", 60),
        created_by="surgonc",
        treating="surgonc",
        status="draft",
        site="esophagogastric",
        histology="Adenocarcinoma of the distal esophagus arising in Barrett esophagus",
        grade="G2",
        stage="cT3 cN1 cM0 / III",
        diagnosed_days_ago=21,
        ecog=1,
        gfr=90,
        bilirubin=0.6,
        comorbidities=("Barrett esophagus", "Obstructive sleep apnea", "Hypertension"),
        preferences="Wants surgery; worried about swallowing and weight loss (6 kg lost).",
        psychosocial="Truck driver; concerned about losing income during treatment.",
        question=(
            "Distal esophageal adenocarcinoma (Siewert I), cT3 cN1 cM0 on EUS and PET, HER2-negative, pMMR, PD-L1 "
            "CPS 3. Perioperative FLOT (ESOPEC) or neoadjuvant chemoradiation with carboplatin/paclitaxel (CROSS) "
            "followed by esophagectomy?"
        ),
        biomarkers=(
            ("HER2", "negative", None, "IHC 0"),
            ("MSI", "not_detected", None, "pMMR"),
            ("PD-L1", "low", 3, "CPS 3 (22C3)"),
        ),
        medications=("Pantoprazole", "Lisinopril"),
    ),
    DemoCase(
        **_gi,
        slug="colon-stage2-high-risk-older",
        patient=("RUCC-1076034", "Dorothy Kaplan", "female", 82),
        created_by="navigator",
        treating="medonc",
        status="draft",
        site="colorectal",
        histology="Adenocarcinoma of the ascending colon",
        grade="G3",
        stage="cT4a cN0 cM0 pT4a pN0 / IIB",
        diagnosed_days_ago=24,
        ecog=1,
        gfr=48,
        bilirubin=0.5,
        comorbidities=("Chronic kidney disease stage 3a", "Mild cognitive impairment", "Atrial fibrillation"),
        menopausal="post",
        preferences="Her daughter says she values independence over longevity.",
        psychosocial="Lives in assisted living; daughter is her health-care proxy.",
        question=(
            "Right hemicolectomy: pT4a pN0 (0/19 nodes) poorly differentiated adenocarcinoma with lymphovascular "
            "invasion, pMMR. At 82, with CKD 3a and mild cognitive impairment, is single-agent capecitabine for "
            "high-risk stage II disease worthwhile, or surveillance alone?"
        ),
        biomarkers=(("MSI", "not_detected", None, "pMMR"),),
        medications=("Apixaban", "Donepezil"),
    ),
]
