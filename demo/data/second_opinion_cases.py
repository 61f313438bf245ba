"""Second opinions the two community hospitals asked Riverside's boards for (SPEC §5.5): their cases (fictional
patients) and the requests, which ``demo/second_opinions.py`` makes through the real services.

Eleven requests over four months. Six have their report: routine ones within the 10 business days but one
(the rectal cancer, late because its MRI report took the hospital eight days to send), urgent ones within 3;
the boards changed the referring physician's plan in three of them. One was declined (Riverside has no melanoma
board; ``demo/data/community.py``), one waits for information from the hospital, two wait for the coordinator
(one of them past its due date), and one is on the Thoracic board's next agenda with the requester invited to
join remotely.
"""

from demo.world import DemoCase

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
        body=(66, 163),
        variants=(("EGFR", "p.Leu858Arg", "somatic", "pathogenic"),),
        treatments=(("surgery", "Left lower lobectomy with mediastinal node dissection", 90, 90, "completed"),),
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
