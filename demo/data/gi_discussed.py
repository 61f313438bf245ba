"""Demo cases the GI board has discussed (Riverside University Cancer Center), with the presenter's plan, the
specialty reviews, the board's recommendation and the follow-through. Fictional patients.

The board changed 2 of its 6 recommendations (33%): gastric cancer with positive peritoneal cytology moved
from curative-intent FLOT and gastrectomy to disease control with FOLFOX-nivolumab and palliative care; a
dMMR colon cancer was given neoadjuvant immunotherapy instead of FOLFOX, with a Lynch syndrome work-up.
"""

from demo.world import DemoCase, DemoFollowUp, DemoPlan, DemoReview, adopted

_gi = {"board": "gi"}
_dpyd_normal = ("DPYD", "normal", "*1/*1 (no variant detected)")

CASES = [
    DemoCase(
        **_gi,
        slug="colon-oligometastatic-liver",
        scenario="Oligometastatic colorectal cancer (2 liver metastases)",
        patient=("RUCC-0993381", "Grace Kim", "female", 52),
        created_by="surgonc",
        treating="surgonc",
        status="recommended",
        meeting=-1,
        site="colorectal",
        histology="Adenocarcinoma of the descending colon",
        grade="G2",
        stage="cT3 cN1 cM1a / IVA",
        metastatic_sites=("liver",),
        metastasis_count=2,
        diagnosed_days_ago=56,
        gfr=99,
        bilirubin=0.5,
        comorbidities=("Iron-deficiency anemia",),
        menopausal="unknown",
        goc_discussed=True,
        preferences="Wants curative treatment; open to two operations if needed.",
        psychosocial="Architect; lives with her husband and mother-in-law.",
        question=(
            "Descending colon adenocarcinoma with two synchronous liver metastases (segment VI 2.1 cm, segment VII "
            "1.4 cm), RAS/BRAF wild-type, pMMR. Perioperative FOLFOX with staged resection, simultaneous colectomy "
            "and liver resection, or resection of segment VI with ablation or SABR of segment VII?"
        ),
        biomarkers=(
            ("KRAS", "not_detected", None, "KRAS/NRAS wild-type"),
            ("BRAF", "not_detected"),
            ("MSI", "not_detected", None, "pMMR"),
        ),
        pgx=(_dpyd_normal,),
        medications=("Ferrous sulfate",),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("systemic_therapy", "Perioperative mFOLFOX6: 6 cycles before and 6 after surgery", ("mFOLFOX6",)),
                ("surgery", "Simultaneous left colectomy and resection of liver segments VI and VII after restaging"),
            ),
            rationale="Two resectable liver metastases: perioperative chemotherapy and resection (EORTC 40983).",
        ),
        board_plan=adopted(
            "Agreed: both lesions resectable with an ample liver remnant; ablation of the segment VII lesion if its "
            "margin is threatened at surgery."
        ),
    ),
    DemoCase(
        **_gi,
        slug="cholangiocarcinoma-adjuvant-capecitabine",
        patient=("RUCC-0985523", "Janet Sullivan", "female", 69),
        created_by="surgonc",
        treating="medonc",
        status="closed",
        meeting=-14,
        site="hepatobiliary",
        histology="Intrahepatic cholangiocarcinoma",
        grade="G2",
        stage="cT2 cN0 cM0 pT2 pN0 / II",
        diagnosed_days_ago=120,
        ecog=1,
        gfr=66,
        bilirubin=0.9,
        comorbidities=("Hypertension", "Osteoporosis"),
        menopausal="post",
        preferences="Accepts oral chemotherapy; wants to keep gardening.",
        psychosocial="Widowed; two sons nearby share driving.",
        question=(
            "Right hepatectomy for a 6 cm intrahepatic cholangiocarcinoma with a satellite nodule (pT2 pN0, R0). "
            "Tumor NGS: IDH1 R132C, no FGFR2 fusion. Adjuvant capecitabine for 6 months (BILCAP), no radiation "
            "after an R0 resection?"
        ),
        biomarkers=(("MSI", "not_detected", None, "pMMR"),),
        pgx=(_dpyd_normal,),
        medications=("Capecitabine", "Lisinopril", "Alendronate"),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Adjuvant capecitabine 1250 mg/m² twice daily, days 1 to 14 every 3 weeks, x8 (BILCAP)",
                    ("capecitabine",),
                ),
            ),
            rationale="R0, node-negative resection: adjuvant capecitabine; radiation reserved for R1 resections.",
        ),
        board_plan=adopted(
            "Agreed: capecitabine for 6 months, no radiation after R0. IDH1 R132C noted for ivosidenib at recurrence.",
            absent=("radiation_oncology",),
        ),
        follow_up=DemoFollowUp(implemented="yes", note="Capecitabine started; cycle 1 tolerated.", days_after=10),
    ),
    DemoCase(
        **_gi,
        slug="rectal-complete-response-watch-and-wait",
        patient=("RUCC-0990046", "Monica Patel", "female", 52),
        created_by="radonc",
        treating="surgonc",
        status="discussed",
        meeting=-1,
        site="colorectal",
        histology="Adenocarcinoma of the low rectum",
        grade="G2",
        stage="cT3 cN1 cM0 / IIIB",
        diagnosed_days_ago=240,
        gfr=92,
        bilirubin=0.4,
        menopausal="post",
        preferences="Strongly prefers organ preservation; understands the regrowth risk and will keep to surveillance.",
        psychosocial="Married; runs a small bakery.",
        question=(
            "Low rectal adenocarcinoma 4 cm from the anal verge (cT3b cN1) after total neoadjuvant therapy "
            "(short-course radiotherapy, then CAPOX x6): clinical complete response on endoscopy and MRI at 8 weeks. "
            "Watch-and-wait with intensive surveillance (OPRA), or total mesorectal excision?"
        ),
        biomarkers=(("MSI", "not_detected", None, "pMMR"),),
        pgx=(_dpyd_normal,),
        medications=(("Capecitabine", "stopped"), ("Oxaliplatin", "stopped")),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "active_surveillance",
                    "Watch-and-wait: MRI, endoscopy and CEA every 3 months for 2 years, then every 6 months (OPRA)",
                ),
            ),
            rationale="Clinical complete response after total neoadjuvant therapy in a patient who values organ "
            "preservation; salvage surgery if the tumor regrows.",
        ),
    ),
    DemoCase(
        **_gi,
        slug="gastric-positive-peritoneal-cytology",
        patient=("RUCC-0981274", "Frank Moretti", "male", 61),
        created_by="surgonc",
        treating="surgonc",
        status="recommended",
        meeting=-3,
        site="esophagogastric",
        histology="Adenocarcinoma of the gastric body, diffuse type with signet-ring cells",
        grade="G3",
        stage="cT3 cN1 cM1 / IV",
        metastatic_sites=("peritoneum",),
        diagnosed_days_ago=50,
        ecog=1,
        gfr=88,
        bilirubin=0.6,
        comorbidities=("Gastroesophageal reflux disease",),
        goc_discussed=True,
        preferences="Wants every chance of cure; afraid of losing his stomach.",
        psychosocial="Owns a restaurant; married, three adult children.",
        question=(
            "Diffuse-type gastric adenocarcinoma, cT3 cN1; staging laparoscopy showed no visible peritoneal disease "
            "but positive washings (CY1). HER2-negative, pMMR, PD-L1 CPS 8. Proposed: FLOT x4, repeat laparoscopy, and "
            "total gastrectomy with D2 lymphadenectomy if the cytology converts. Agree?"
        ),
        biomarkers=(
            ("HER2", "negative", None, "IHC 1+"),
            ("MSI", "not_detected", None, "pMMR"),
            ("PD-L1", "positive", 8, "CPS 8 (22C3)"),
        ),
        pgx=(_dpyd_normal,),
        medications=("Omeprazole",),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("systemic_therapy", "FLOT every 2 weeks x4, then repeat staging laparoscopy", ("FLOT",)),
                ("surgery", "Total gastrectomy with D2 lymphadenectomy if the peritoneal cytology becomes negative"),
            ),
            rationale="Cytology-only peritoneal disease: conversion intent with perioperative FLOT.",
        ),
        reviews=(
            DemoReview(
                kind="palliative",
                author="palliative",
                findings="Met the patient and his wife: he understands that positive washings mean the cancer has "
                "reached the peritoneum. Early satiety and 5 kg weight loss; no pain.",
                recommendation="Hopes for cure but puts eating well and working in his restaurant first. Early "
                "palliative care alongside chemotherapy; dietitian referral.",
            ),
        ),
        board_plan=DemoPlan(
            intent="disease_control",
            components=(
                (
                    "systemic_therapy",
                    "mFOLFOX6 with nivolumab 240 mg every 2 weeks (CheckMate 649, PD-L1 CPS 5 or more); restaging at "
                    "4 months",
                    ("mFOLFOX6", "nivolumab"),
                ),
                ("palliative_care", "Early palliative care and dietitian follow-up alongside chemotherapy"),
            ),
            rationale="CY1 is stage IV disease: gastrectomy has not been shown to prolong survival. Systemic therapy "
            "with disease-control intent; conversion surgery only within a trial.",
            consensus="majority",
            dissent="Surgical oncology would still offer gastrectomy if the cytology converts after chemotherapy.",
        ),
    ),
    DemoCase(
        **_gi,
        slug="colon-dmmr-neoadjuvant-immunotherapy",
        patient=("RUCC-0971902", "Nicole Brandt", "female", 46),
        created_by="surgonc",
        treating="surgonc",
        status="closed",
        meeting=-10,
        site="colorectal",
        histology="Adenocarcinoma of the sigmoid colon with mucinous features",
        grade="G3",
        stage="cT4a cN2 cM0 / IIIC",
        diagnosed_days_ago=90,
        gfr=105,
        bilirubin=0.4,
        menopausal="pre",
        fertility_goals="Has completed her family.",
        fertility_discussed=True,
        preferences="Wants to avoid a stoma if possible.",
        psychosocial="Veterinarian; married, two teenagers. Her father had colon cancer at 52.",
        question=(
            "Locally advanced sigmoid adenocarcinoma (cT4a cN2, no metastases), dMMR with loss of MSH2 and MSH6. "
            "Proposed neoadjuvant FOLFOX for 6 weeks (FOxTROT), then sigmoid colectomy. Her father had colon cancer "
            "at 52."
        ),
        biomarkers=(
            ("MSI", "high", None, "dMMR: loss of MSH2 and MSH6"),
            ("KRAS", "not_detected"),
            ("BRAF", "not_detected"),
        ),
        pgx=(_dpyd_normal,),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("systemic_therapy", "Neoadjuvant mFOLFOX6 for 6 weeks, 18 weeks after surgery", ("mFOLFOX6",)),
                ("surgery", "Sigmoid colectomy with high vascular ligation after restaging"),
            ),
            rationale="Locally advanced colon cancer: neoadjuvant chemotherapy reduced incomplete resections "
            "(FOxTROT).",
        ),
        reviews=(
            DemoReview(
                kind="genetics",
                author="genetics",
                findings="Loss of MSH2 and MSH6 with a father diagnosed at 52 meets the revised Bethesda criteria: "
                "Lynch syndrome is likely.",
                recommendation="Germline multigene panel. If an MSH2 variant is confirmed: colonoscopy every 1 to 2 "
                "years, discussion of risk-reducing hysterectomy and salpingo-oophorectomy, cascade testing.",
            ),
        ),
        board_plan=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Neoadjuvant ipilimumab 1 mg/kg with nivolumab 3 mg/kg, then nivolumab 3 mg/kg two weeks later "
                    "(NICHE-2)",
                    ("nivolumab", "ipilimumab"),
                ),
                ("surgery", "Sigmoid colectomy within 6 weeks of starting immunotherapy"),
                ("genetic_counseling", "Germline testing for Lynch syndrome and family counseling"),
            ),
            rationale="dMMR colon cancer responds poorly to FOLFOX; neoadjuvant nivolumab-ipilimumab gave major "
            "pathological responses in 95% (NICHE-2).",
            consensus="unanimous",
        ),
        follow_up=DemoFollowUp(
            implemented="yes",
            note="Immunotherapy given; colectomy showed a major pathological response. Germline MSH2 variant found.",
            days_after=42,
        ),
    ),
    DemoCase(
        **_gi,
        slug="rectal-total-neoadjuvant-therapy",
        patient=("RUCC-0968035", "Samuel Ortiz", "male", 58),
        created_by="radonc",
        treating="radonc",
        status="closed",
        meeting=-11,
        site="colorectal",
        histology="Adenocarcinoma of the mid rectum",
        grade="G2",
        stage="cT3c cN1 cM0 / IIIB",
        diagnosed_days_ago=100,
        gfr=96,
        bilirubin=0.5,
        comorbidities=("Hypertension",),
        preferences="Worried about a permanent stoma; would prefer organ preservation if possible.",
        psychosocial="Warehouse supervisor; lives alone, has no car and relies on public transport.",
        question=(
            "Mid-rectal adenocarcinoma 8 cm from the anal verge, cT3c cN1 on MRI, mesorectal fascia clear, pMMR. "
            "Total neoadjuvant therapy with short-course radiotherapy then CAPOX x6 (RAPIDO), then total mesorectal "
            "excision?"
        ),
        biomarkers=(("MSI", "not_detected", None, "pMMR"), ("KRAS", "detected", None, "G13D")),
        pgx=(_dpyd_normal,),
        medications=("Amlodipine",),
        proposed=DemoPlan(
            intent="curative",
            components=(
                ("radiation_therapy", "Short-course radiotherapy, 25 Gy in 5 fractions"),
                ("systemic_therapy", "CAPOX every 3 weeks x6", ("CAPOX",)),
                ("surgery", "Total mesorectal excision 2 to 4 weeks after chemotherapy"),
            ),
            rationale="Locally advanced rectal cancer: total neoadjuvant therapy lowers disease-related treatment "
            "failure (RAPIDO).",
        ),
        reviews=(
            DemoReview(
                kind="navigation",
                author="navigator",
                findings="Lives alone without a car; radiotherapy and infusion visits need transport. Works shifts.",
                recommendation="Hospital transport for the 5 radiotherapy sessions and infusion days; social work for "
                "the sick-pay paperwork.",
            ),
        ),
        board_plan=adopted(
            "Agreed: RAPIDO-style total neoadjuvant therapy; organ preservation can be discussed if restaging shows a "
            "clinical complete response."
        ),
        follow_up=DemoFollowUp(
            implemented="partial",
            reason="patient_choice",
            note="Completed radiotherapy and CAPOX with a near-complete response; declined total mesorectal excision "
            "and chose watch-and-wait surveillance.",
            days_after=63,
        ),
    ),
    DemoCase(
        **_gi,
        slug="pancreas-adjuvant-mfolfirinox",
        patient=("RUCC-0955417", "Howard Reyes", "male", 63),
        created_by="surgonc",
        treating="medonc",
        status="closed",
        meeting=-16,
        site="pancreas",
        histology="Ductal adenocarcinoma of the pancreatic head",
        grade="G2",
        stage="cT2 cN0 cM0 pT2 pN1 / IIB",
        diagnosed_days_ago=150,
        ecog=1,
        gfr=90,
        bilirubin=0.9,
        comorbidities=("New-onset diabetes", "Exocrine pancreatic insufficiency"),
        preferences="Wants the most effective adjuvant treatment.",
        psychosocial="Insurance agent; lives with his wife, who drives him to appointments.",
        question=(
            "Pancreaticoduodenectomy 5 weeks ago: 3.2 cm ductal adenocarcinoma, 2 of 18 nodes positive (pT2 pN1), R0; "
            "recovering well, ECOG 1. Adjuvant mFOLFIRINOX for 6 months (PRODIGE 24); DPYD and UGT1A1 normal."
        ),
        biomarkers=(
            ("KRAS", "detected", None, "G12V"),
            ("MSI", "not_detected", None, "pMMR"),
            ("BRCA1", "not_detected", None, "germline"),
            ("BRCA2", "not_detected", None, "germline"),
        ),
        pgx=(_dpyd_normal, ("UGT1A1", "normal", "*1/*1")),
        medications=("Pancrelipase", "Insulin glargine"),
        proposed=DemoPlan(
            intent="curative",
            components=(
                (
                    "systemic_therapy",
                    "Adjuvant mFOLFIRINOX every 2 weeks x12 (PRODIGE 24), within 12 weeks of surgery",
                    ("mFOLFIRINOX",),
                ),
                ("supportive_care", "Pancreatic enzyme replacement, dietitian review and endocrinology for diabetes"),
            ),
            rationale="Fit patient after R0 resection: mFOLFIRINOX gave the longest survival (PRODIGE 24).",
        ),
        board_plan=adopted("Agreed; restaging CT and CA 19-9 before the first cycle."),
        follow_up=DemoFollowUp(
            implemented="no",
            reason="progression",
            note="The pre-treatment CT showed new liver metastases; first-line gemcitabine and nab-paclitaxel given "
            "instead.",
            days_after=14,
        ),
    ),
]
