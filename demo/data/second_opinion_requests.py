"""The second-opinion requests the two community hospitals asked Riverside's boards (their cases:
second_opinion_cases.py), which ``demo/second_opinions.py`` makes through the real services."""

from demo.world import DemoFollowUp, DemoPlan, DemoSecondOpinion, adopted

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
