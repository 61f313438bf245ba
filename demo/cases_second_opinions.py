"""Second opinions the two community hospitals asked Riverside's boards for (SPEC §5.5): their cases (fictional
patients) and the requests, which ``demo/second_opinions.py`` makes through the real services.

Eleven requests over four months. Six have their report: routine ones within the 10 business days but one
(the rectal cancer, late because its MRI report took the hospital eight days to send), urgent ones within 3;
the boards changed the referring physician's plan in three of them. One was declined (Riverside has no melanoma
board; ``demo_cases_community.py``), one waits for information from the hospital, two wait for the coordinator
(one of them past its due date), and one is on the Thoracic board's next agenda with the requester invited to
join remotely.
"""

from demo.world import DemoCase, DemoFollowUp, DemoPlan, DemoSecondOpinion, adopted

_millbrook = {"institution": "community", "created_by": "community", "treating": "community", "status": "draft"}
_cedar_hills = {"institution": "community2", "created_by": "community2", "treating": "community2", "status": "draft"}

CASES = [
    DemoCase(
        **_millbrook,
        slug="community-so-breast-lobular-rs11",
        patient=("MCH-196204", "Linda Marchetti", "female", 61),
        site="breast",
        histology="Invasive lobular carcinoma, classic type",
        grade="G2",
        stage="cT2 cN0 cM0 pT2 pN1a / IIB",
        diagnosed_days_ago=140,
        gfr=88,
        lvef=62,
        bilirubin=0.5,
        comorbidities=("Hyperlipidemia",),
        menopausal="post",
        preferences="Wants to avoid chemotherapy unless the benefit is clear; works part-time as a librarian.",
        psychosocial="Married; her husband drives her to appointments.",
        question=(
            "Lumpectomy and sentinel node biopsy for a 3.1 cm classic invasive lobular carcinoma, 2 of 3 sentinel "
            "nodes positive (pT2 pN1a), ER 95% PR 60% HER2 1+, Oncotype DX recurrence score 11. Postmenopausal: is "
            "adjuvant chemotherapy needed (RxPONDER)? Is axillary dissection needed after two positive sentinel "
            "nodes (Z0011)?"
        ),
        biomarkers=(
            ("ER", "positive", 95),
            ("PR", "positive", 60),
            ("HER2", "negative", None, "IHC 1+"),
            ("KI67", "low", 12),
            ("ONCOTYPE_RS", "low", 11),
        ),
        medications=("Atorvastatin",),
    ),
    DemoCase(
        **_millbrook,
        slug="community-so-pancreas-borderline",
        patient=("MCH-209915", "Gerald Novak", "male", 64),
        site="pancreas",
        histology="Ductal adenocarcinoma of the pancreatic head (EUS-guided biopsy)",
        stage="cT2 cN0 cM0 / IB",
        diagnosed_days_ago=75,
        gfr=82,
        bilirubin=1.4,
        comorbidities=("Type 2 diabetes, new onset",),
        preferences="Wants the operation as soon as possible; open to chemotherapy first if it is safer.",
        psychosocial="Retired electrician; his wife is a nurse.",
        urgency="urgent",
        question=(
            "3.4 cm adenocarcinoma of the pancreatic head, biliary stent placed, CA 19-9 410 U/mL after "
            "decompression. CT: tumor abuts the superior mesenteric vein over less than 180 degrees without "
            "narrowing, arteries clear. Resectable, or borderline resectable? Upfront pancreaticoduodenectomy or "
            "neoadjuvant mFOLFIRINOX?"
        ),
        biomarkers=(("KRAS", "detected", None, "G12D"),),
        pgx=(("DPYD", "normal", "*1/*1"),),
        medications=("Metformin", "Pancrelipase"),
    ),
    DemoCase(
        **_millbrook,
        slug="community-so-rectal-mid-tnt",
        patient=("MCH-212346", "Donna Kessler", "female", 57),
        site="colorectal",
        histology="Adenocarcinoma of the mid rectum, 7 cm from the anal verge",
        grade="G2",
        stage="cT3 cN1 cM0 / IIIB",
        diagnosed_days_ago=62,
        gfr=91,
        bilirubin=0.4,
        menopausal="post",
        preferences="Strongly hopes to avoid a permanent stoma; asks about watch-and-wait.",
        psychosocial="Runs a bakery with her sister; worried about time off work.",
        question=(
            "Mid-rectal adenocarcinoma, MRI cT3c cN1, EMVI positive, mesorectal fascia clear, CEA 6.2 ng/mL, pMMR, "
            "no distant disease. Total neoadjuvant therapy with chemoradiation and CAPOX? Is she a candidate for "
            "organ preservation if she has a clinical complete response (OPRA)?"
        ),
        biomarkers=(("MSI", "negative", None, "pMMR, microsatellite stable"), ("KRAS", "not_detected")),
        pgx=(("DPYD", "normal", "*1/*1"),),
    ),
    DemoCase(
        **_millbrook,
        slug="community-so-lung-stage3-adenocarcinoma",
        patient=("MCH-213870", "Walter Brennan", "male", 66),
        site="lung",
        histology="Adenocarcinoma of the right upper lobe, acinar predominant",
        stage="cT3 cN2 cM0 / IIIB",
        diagnosed_days_ago=35,
        ecog=1,
        gfr=76,
        bilirubin=0.6,
        comorbidities=("COPD (FEV1 68% predicted)", "Former smoker, 40 pack-years"),
        preferences="Would accept surgery if it offers a better chance of cure.",
        psychosocial="Widower; his son lives nearby and will help with transport.",
        question=(
            "Right upper lobe adenocarcinoma, 5.8 cm, with PET-avid station 4R and 7 nodes confirmed by EBUS "
            "(cT3 cN2, IIIB); brain MRI negative. PD-L1 TPS 70%, EGFR and ALK negative. Concurrent chemoradiation "
            "then durvalumab (PACIFIC), or neoadjuvant chemo-immunotherapy (CheckMate 816) and lobectomy?"
        ),
        biomarkers=(
            ("PD-L1", "high", 70),
            ("EGFR", "not_detected"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
        ),
        medications=("Tiotropium",),
    ),
    DemoCase(
        **_millbrook,
        slug="community-so-gej-adenocarcinoma",
        patient=("MCH-214402", "Harold Jennings", "male", 59),
        site="esophagogastric",
        histology="Adenocarcinoma of the gastroesophageal junction (Siewert II)",
        stage="cT3 cN1 cM0 / III",
        diagnosed_days_ago=30,
        gfr=85,
        bilirubin=0.5,
        comorbidities=("Gastroesophageal reflux disease", "Obesity (BMI 33)"),
        preferences="Wants to keep eating normally for as long as possible.",
        psychosocial="Long-haul truck driver; on leave since the diagnosis.",
        question=(
            "Siewert II adenocarcinoma of the gastroesophageal junction, EUS cT3 cN1, PET without distant disease. "
            "Perioperative FLOT, or neoadjuvant chemoradiation (CROSS)? Would HER2 or PD-L1 CPS change that?"
        ),
        medications=("Omeprazole",),
    ),
    DemoCase(
        **_millbrook,
        slug="community-so-breast-her2-neoadjuvant",
        patient=("MCH-215531", "Rachel Dunmore", "female", 38),
        site="breast",
        histology="Invasive ductal carcinoma (core biopsy)",
        grade="G3",
        stage="cT2 cN1 cM0 / IIB",
        diagnosed_days_ago=40,
        gfr=110,
        lvef=61,
        bilirubin=0.4,
        menopausal="pre",
        fertility_goals="Would like a second child.",
        fertility_discussed=True,
        preferences="Wants breast conservation if possible.",
        psychosocial="Primary-school teacher; one son aged 4.",
        question=(
            "38-year-old with a 3.5 cm grade 3 HER2-positive (IHC 3+) ER-negative invasive ductal carcinoma and a "
            "biopsy-proven axillary node (cT2 cN1). Neoadjuvant TCHP or THP? If the node converts, targeted axillary "
            "dissection instead of axillary clearance?"
        ),
        biomarkers=(("ER", "negative", 0), ("PR", "negative", 0), ("HER2", "positive", None, "IHC 3+")),
    ),
    DemoCase(
        **_cedar_hills,
        slug="community2-so-lung-egfr-adjuvant",
        patient=("CHR-524478", "Margaret Oyelaran", "female", 63),
        site="lung",
        histology="Adenocarcinoma of the left lower lobe, papillary predominant",
        stage="cT2b cN0 cM0 pT2b pN0 / IIA",
        diagnosed_days_ago=120,
        gfr=90,
        bilirubin=0.5,
        comorbidities=("Osteoarthritis",),
        menopausal="post",
        preferences="Never smoked; would like to avoid chemotherapy if the targeted drug is enough.",
        psychosocial="Accountant; lives with her husband.",
        question=(
            "Left lower lobectomy for a 4.6 cm adenocarcinoma, 0 of 14 nodes (pT2b pN0, IIA), EGFR exon 21 L858R. "
            "Adjuvant osimertinib for 3 years (ADAURA): after four cycles of cisplatin-pemetrexed, or instead of "
            "them?"
        ),
        biomarkers=(
            ("EGFR", "detected", None, "exon 21 L858R"),
            ("ALK", "not_detected"),
            ("PD-L1", "low", 5),
        ),
    ),
    DemoCase(
        **_cedar_hills,
        slug="community2-so-breast-triple-negative",
        patient=("CHR-533019", "Teresa Valdez", "female", 45),
        site="breast",
        histology="Invasive ductal carcinoma, no special type (core biopsy)",
        grade="G3",
        stage="cT2 cN0 cM0 / IIA",
        diagnosed_days_ago=55,
        gfr=98,
        lvef=63,
        bilirubin=0.5,
        menopausal="pre",
        fertility_goals="Does not plan more children.",
        fertility_discussed=True,
        preferences="Wants the most effective treatment; can take leave from work.",
        psychosocial="Pharmacy technician; two teenage children.",
        question=(
            "Triple-negative grade 3 invasive ductal carcinoma, 2.8 cm, clinically node-negative, germline BRCA1/2 "
            "negative. Neoadjuvant pembrolizumab with carboplatin-paclitaxel then doxorubicin-cyclophosphamide "
            "(KEYNOTE-522), or chemotherapy alone at this size?"
        ),
        biomarkers=(
            ("ER", "negative", 0),
            ("PR", "negative", 0),
            ("HER2", "negative", None, "IHC 0"),
            ("BRCA1", "not_detected", None, "germline"),
            ("BRCA2", "not_detected", None, "germline"),
        ),
    ),
    DemoCase(
        **_cedar_hills,
        slug="community2-so-small-cell-limited",
        patient=("CHR-535604", "Dale Whitcomb", "male", 67),
        site="lung",
        histology="Small cell carcinoma of the left lower lobe",
        stage="cT2a cN2 cM0 / IIIA",
        diagnosed_days_ago=30,
        ecog=1,
        gfr=72,
        bilirubin=0.7,
        comorbidities=("Current smoker, 50 pack-years", "Hypertension"),
        preferences="Wants to start treatment quickly; agrees to quit smoking.",
        psychosocial="Farmer; his daughter manages the farm while he is treated.",
        urgency="urgent",
        question=(
            "Limited-stage small cell lung cancer: 2.9 cm left lower lobe primary with ipsilateral mediastinal "
            "nodes, brain MRI and PET without distant disease. Cisplatin-etoposide with concurrent twice-daily "
            "thoracic radiation; then prophylactic cranial irradiation, or MRI surveillance? Consolidation "
            "durvalumab (ADRIATIC)?"
        ),
        medications=("Amlodipine",),
    ),
]

REQUESTS = [
    DemoSecondOpinion(
        case="community-so-breast-lobular-rs11",
        by="community",
        status="report_sent",
        meeting=-13,
        days_before=8,
        at="14:30",
        reason="Node-positive lobular cancer with a low recurrence score; the patient asks whether she can skip "
        "chemotherapy.",
        questions=(
            "Is adjuvant chemotherapy indicated with a recurrence score of 11 and two positive sentinel nodes?",
            "Can she avoid an axillary dissection?",
        ),
        steps=(("accept", 1, "09:10", ""),),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("surgery", "Completion axillary lymph node dissection"),
                (
                    "systemic_therapy",
                    "Docetaxel and cyclophosphamide every 3 weeks for 4 cycles",
                    ("docetaxel", "cyclophosphamide"),
                ),
                ("radiation_therapy", "Whole-breast radiation after chemotherapy"),
                ("systemic_therapy", "Letrozole for 5 years", ("letrozole",)),
            ),
            rationale="Two positive nodes: dissection and adjuvant chemotherapy before endocrine therapy.",
        ),
        board_plan=DemoPlan(
            intent="curative",
            components=(
                ("radiation_therapy", "Whole-breast and regional nodal radiation, no axillary dissection (Z0011)"),
                ("systemic_therapy", "Letrozole for 5 years, extended therapy to be discussed", ("letrozole",)),
                ("supportive_care", "Baseline bone density scan; calcium and vitamin D"),
            ),
            rationale="Postmenopausal, 1-3 positive nodes and a recurrence score of 11: no benefit from chemotherapy "
            "(RxPONDER). Breast-conserving surgery with two positive sentinel nodes: nodal radiation instead of "
            "dissection.",
            consensus="unanimous",
        ),
        follow_up=DemoFollowUp(
            implemented="yes", note="Nodal radiation completed; letrozole started.", days_after=45, by="community"
        ),
    ),
    DemoSecondOpinion(
        case="community2-so-lung-egfr-adjuvant",
        by="community2",
        status="report_sent",
        meeting=-11,
        days_before=9,
        at="10:15",
        reason="Resected EGFR-mutant adenocarcinoma; we would like the board's view on adjuvant therapy.",
        questions=("Should adjuvant chemotherapy precede osimertinib, or can she have osimertinib alone?",),
        steps=(("accept", 2, "09:00", ""),),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("systemic_therapy", "Cisplatin-pemetrexed every 3 weeks for 4 cycles", ("cisplatin", "pemetrexed")),
                ("systemic_therapy", "Osimertinib 80 mg daily for 3 years (ADAURA)", ("osimertinib",)),
            ),
            rationale="Stage IIA with an EGFR L858R mutation: chemotherapy then osimertinib, as in ADAURA.",
        ),
        board_plan=adopted(
            "Agreed: stage IIA, fit for cisplatin; chemotherapy first, then osimertinib for 3 years. Brain MRI "
            "yearly while on treatment."
        ),
        follow_up=DemoFollowUp(
            implemented="yes", note="Chemotherapy completed; osimertinib started.", days_after=60, by="community2"
        ),
    ),
    DemoSecondOpinion(
        case="community-so-pancreas-borderline",
        by="community",
        status="report_sent",
        urgency="urgent",
        meeting=-9,
        days_before=2,
        at="16:40",
        reason="Possibly borderline resectable pancreatic cancer; our surgeon plans a Whipple next week.",
        questions=("Is the tumor resectable or borderline resectable?", "Upfront surgery or neoadjuvant therapy?"),
        steps=(("accept", 1, "08:20", ""),),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("surgery", "Pancreaticoduodenectomy (Whipple)"),
                (
                    "systemic_therapy",
                    "Adjuvant mFOLFIRINOX for 12 cycles",
                    ("oxaliplatin", "irinotecan", "fluorouracil", "leucovorin"),
                ),
            ),
            rationale="Resectable on CT; surgery first, then adjuvant chemotherapy.",
        ),
        board_plan=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Neoadjuvant mFOLFIRINOX for 4 months",
                    ("oxaliplatin", "irinotecan", "fluorouracil", "leucovorin"),
                ),
                ("further_diagnostics", "Restaging CT and CA 19-9 after 4 months"),
                ("surgery", "Pancreaticoduodenectomy with possible venous resection if no progression"),
            ),
            rationale="Venous abutment and a CA 19-9 of 410 after drainage: borderline resectable by NCCN criteria; "
            "neoadjuvant chemotherapy treats micrometastatic disease and selects patients for surgery.",
            consensus="majority",
            dissent="One surgeon would operate first: the venous contact is short and reconstructable.",
        ),
    ),
    DemoSecondOpinion(
        case="community2-so-breast-triple-negative",
        by="community2",
        status="report_sent",
        meeting=-5,
        days_before=6,
        at="09:30",
        reason="Stage II triple-negative breast cancer; we want to confirm neoadjuvant immunotherapy.",
        questions=("Is KEYNOTE-522 appropriate for a 2.8 cm node-negative tumor?",),
        steps=(("accept", 1, "14:10", ""),),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Pembrolizumab with weekly paclitaxel and carboplatin for 12 weeks, then pembrolizumab with "
                    "doxorubicin-cyclophosphamide for 4 cycles (KEYNOTE-522)",
                    ("pembrolizumab", "paclitaxel", "carboplatin", "doxorubicin", "cyclophosphamide"),
                ),
                ("surgery", "Breast-conserving surgery and sentinel node biopsy"),
            ),
            rationale="cT2 N0 triple-negative: within KEYNOTE-522 eligibility.",
        ),
        board_plan=adopted(
            "Agreed: KEYNOTE-522 regimen; adjuvant pembrolizumab to complete a year, and capecitabine or olaparib "
            "per the surgical pathology. Thyroid function and cortisol monitoring."
        ),
    ),
    DemoSecondOpinion(
        case="community-so-rectal-mid-tnt",
        by="community",
        status="report_sent",
        meeting=-4,
        days_before=20,
        at="11:00",
        reason="Locally advanced rectal cancer in a patient who wants to avoid a stoma.",
        questions=(
            "Which total neoadjuvant therapy sequence?",
            "Is watch-and-wait reasonable after a complete response?",
        ),
        steps=(
            (
                "request-info",
                1,
                "09:40",
                "Please upload the pelvic MRI report (CRM, EMVI, lateral nodes) and the latest CEA.",
            ),
            ("provide-info", 9, "16:20", "MRI report and CEA uploaded; the MRI was delayed by scanner availability."),
            ("accept", 10, "09:15", ""),
        ),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("radiation_therapy", "Long-course pelvic radiation 50.4 Gy in 28 fractions"),
                (
                    "systemic_therapy",
                    "Concurrent capecitabine 825 mg/m2 twice daily on radiation days",
                    ("capecitabine",),
                ),
                ("systemic_therapy", "Consolidation CAPOX for 6 cycles", ("capecitabine", "oxaliplatin")),
                ("further_diagnostics", "Restaging MRI and endoscopy 8 to 12 weeks after therapy"),
            ),
            rationale="Total neoadjuvant therapy with consolidation chemotherapy maximises complete responses (OPRA).",
        ),
        board_plan=adopted(
            "Agreed: chemoradiation then consolidation CAPOX; watch-and-wait if the restaging shows a clinical "
            "complete response, total mesorectal excision otherwise."
        ),
    ),
    DemoSecondOpinion(
        case="community2-so-small-cell-limited",
        by="community2",
        status="report_sent",
        urgency="urgent",
        meeting=-2,
        days_before=2,
        at="13:20",
        reason="Limited-stage small cell lung cancer; treatment should start this week.",
        questions=("Prophylactic cranial irradiation or MRI surveillance?", "Consolidation durvalumab?"),
        steps=(("accept", 1, "08:30", ""),),
        joined=False,
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Cisplatin-etoposide every 3 weeks for 4 cycles",
                    ("cisplatin", "etoposide"),
                ),
                ("radiation_therapy", "Concurrent thoracic radiation 45 Gy in 30 twice-daily fractions"),
                ("radiation_therapy", "Prophylactic cranial irradiation 25 Gy after response"),
            ),
            rationale="Standard concurrent chemoradiation for limited-stage disease, then PCI.",
        ),
        board_plan=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Cisplatin-etoposide every 3 weeks for 4 cycles",
                    ("cisplatin", "etoposide"),
                ),
                ("radiation_therapy", "Concurrent thoracic radiation 45 Gy in 30 twice-daily fractions"),
                ("systemic_therapy", "Consolidation durvalumab for up to 24 months (ADRIATIC)", ("durvalumab",)),
                ("further_diagnostics", "Brain MRI every 3 months for 2 years instead of PCI"),
            ),
            rationale="Consolidation durvalumab improves survival after chemoradiation (ADRIATIC). MRI surveillance "
            "spares the neurocognitive toxicity of PCI at his age.",
            consensus="unanimous",
        ),
    ),
    DemoSecondOpinion(
        case="community-melanoma-braf-v600e",
        by="community",
        status="declined",
        business_days_ago=18,
        at="15:45",
        reason="Stage IIIC melanoma: choice of adjuvant therapy.",
        questions=("Adjuvant dabrafenib-trametinib or anti-PD-1 therapy?",),
        steps=(
            (
                "decline",
                1,
                "11:30",
                "Riverside has no melanoma tumor board. Please refer him to our cutaneous oncology clinic, which "
                "sees new stage III patients within two weeks.",
            ),
        ),
    ),
    DemoSecondOpinion(
        case="community-so-breast-her2-neoadjuvant",
        by="community",
        status="requested",
        business_days_ago=13,
        at="09:50",
        reason="Young patient with HER2-positive node-positive breast cancer before neoadjuvant therapy.",
        questions=("TCHP or THP?", "Targeted axillary dissection if the node converts?"),
        steps=(
            ("request-info", 1, "10:05", "Please send the core biopsy pathology with HER2 testing and the breast MRI."),
            ("provide-info", 10, "15:30", "HER2 IHC 3+ confirmed; breast MRI report uploaded."),
        ),
    ),
    DemoSecondOpinion(
        case="community-so-lung-stage3-adenocarcinoma",
        by="community",
        status="scheduled",
        business_days_ago=4,
        at="11:20",
        reason="Stage IIIB adenocarcinoma with N2 disease: surgery or definitive chemoradiation?",
        questions=(
            "Is he a candidate for neoadjuvant chemo-immunotherapy and lobectomy?",
            "If not, concurrent chemoradiation then durvalumab?",
        ),
        steps=(("accept", 1, "08:45", ""),),
    ),
    DemoSecondOpinion(
        case="community-so-gej-adenocarcinoma",
        by="community",
        status="info_requested",
        business_days_ago=3,
        at="10:40",
        reason="Locally advanced junctional adenocarcinoma before neoadjuvant therapy.",
        questions=("FLOT or CROSS?", "Do HER2 and PD-L1 change the plan?"),
        steps=(
            (
                "request-info",
                1,
                "09:20",
                "Please upload the biopsy pathology with HER2 and PD-L1 CPS, and the EUS and PET-CT reports.",
            ),
        ),
    ),
    DemoSecondOpinion(
        case="community2-breast-older-primary-endocrine",
        by="community2",
        status="requested",
        business_days_ago=1,
        at="15:10",
        reason="Frail 84-year-old with early breast cancer; surgery or primary endocrine therapy?",
        questions=("Primary endocrine therapy with letrozole, or lumpectomy under local anesthesia?",),
    ),
]
