"""Demo cases of the two community hospitals: drafts with no board yet, waiting to be sent for a second
opinion (SPEC §5.5). Two of them have been sent (``demo/data/second_opinion_requests.py``: the melanoma was
declined, the older patient's breast cancer waits for the coordinator). Fictional patients."""

from demo.world import DemoCase

_millbrook = {"institution": "community", "created_by": "community", "treating": "community", "status": "draft"}
_cedar_hills = {"institution": "community2", "created_by": "community2", "treating": "community2", "status": "draft"}

CASES = [
    DemoCase(
        **_millbrook,
        slug="community-melanoma-braf-v600e",
        scenario="BRAF V600E melanoma (dabrafenib + trametinib) at a community hospital",
        patient=("MCH-204417", "Brian Sutherland", "male", 51),
        site="melanoma",
        histology="Superficial spreading melanoma, ulcerated, Breslow 2.8 mm",
        stage="pT3b pN1a cM0 / IIIC",
        diagnosed_days_ago=45,
        gfr=95,
        bilirubin=0.7,
        comorbidities=("Hypertension",),
        preferences="Self-employed contractor; wants a regimen that lets him keep working. Worried about fevers.",
        psychosocial="Married, two children at college.",
        question=(
            "Wide local excision of a 2.8 mm ulcerated superficial spreading melanoma of the upper back with 1 of 2 "
            "sentinel nodes positive (0.8 mm deposit): pT3b pN1a, stage IIIC, BRAF V600E. Adjuvant dabrafenib + "
            "trametinib or anti-PD-1 therapy for one year? Is nodal ultrasound surveillance enough instead of "
            "completion dissection (MSLT-II)?"
        ),
        biomarkers=(("BRAF", "detected", None, "V600E"),),
        medications=("Lisinopril",),
    ),
    DemoCase(
        **_millbrook,
        slug="community-ovary-brca1",
        scenario="BRCA1 ovarian cancer (olaparib, genetics referral) at a community hospital",
        patient=("MCH-198532", "Sharon Whitley", "female", 56),
        site="ovary",
        histology="High-grade serous carcinoma",
        grade="G3",
        stage="cT3c cN0 cM0 pT3c pN0 / IIIC",
        diagnosed_days_ago=190,
        gfr=84,
        bilirubin=0.5,
        comorbidities=("Hypothyroidism",),
        menopausal="post",
        preferences="Wants to limit trips: the infusion centre is a 40-minute drive.",
        psychosocial="Two daughters aged 28 and 31, both asking about their own risk.",
        question=(
            "FIGO IIIC high-grade serous ovarian carcinoma after primary cytoreduction to no gross residual disease "
            "and 6 cycles of carboplatin/paclitaxel, now in complete response (CA-125 9 U/mL). Germline BRCA1 "
            "pathogenic variant. Maintenance olaparib for 2 years (SOLO-1) or olaparib + bevacizumab? Please advise "
            "on risk-reducing mastectomy and cascade testing for her daughters."
        ),
        biomarkers=(("BRCA1", "detected", None, "germline c.68_69del (p.Glu23fs), pathogenic"),),
        karnofsky=90,
        body=(70, 165),
        other_staging=(("figo", "IIIC"),),
        variants=(("BRCA1", "c.68_69del", "germline", "pathogenic"),),
        treatments=(
            ("surgery", "Primary cytoreductive surgery, no gross residual disease", 180, 180, "completed"),
            ("systemic", "Carboplatin and paclitaxel", 160, 55, "completed", "6 cycles every 3 weeks"),
        ),
        medications=("Levothyroxine", ("Carboplatin", "stopped"), ("Paclitaxel", "stopped")),
    ),
    DemoCase(
        **_millbrook,
        slug="community-prostate-intermediate-risk",
        patient=("MCH-207789", "Raymond Foster", "male", 68),
        site="prostate",
        histology="Acinar adenocarcinoma, Gleason 4+3=7 (Grade Group 3)",
        stage="cT2b cN0 cM0 / IIC",
        diagnosed_days_ago=50,
        gfr=80,
        comorbidities=("Benign prostatic hyperplasia", "Hyperlipidemia"),
        preferences="Values continence and sexual function; open to either surgery or radiation.",
        psychosocial="Retired postal worker; married.",
        question=(
            "Unfavourable intermediate-risk prostate cancer: PSA 12.4 ng/mL, Grade Group 3 in 5 of 12 cores, cT2b, "
            "PSMA PET without nodal or distant disease. Radical prostatectomy, or external-beam radiation with "
            "6 months of androgen deprivation?"
        ),
        body=(84, 176),
        other_staging=(("gleason_grade_group", "3"),),
        medications=("Tamsulosin", "Atorvastatin"),
    ),
    DemoCase(
        **_millbrook,
        slug="community-kidney-adjuvant-pembrolizumab",
        patient=("MCH-211054", "Victor Ramos", "male", 61),
        site="kidney",
        histology="Clear cell renal cell carcinoma, WHO/ISUP grade 3, no sarcomatoid features",
        grade="G3",
        stage="cT3a cN0 cM0 pT3a pN0 / III",
        diagnosed_days_ago=42,
        gfr=48,
        bilirubin=0.6,
        comorbidities=("Hypertension", "Obesity (BMI 31)"),
        preferences="Would accept a year of infusions if the benefit is real.",
        psychosocial="Bus driver; union covers sick leave.",
        question=(
            "Radical nephrectomy for a 7.5 cm clear cell RCC, WHO/ISUP grade 3, with renal vein invasion (pT3a pN0); "
            "postoperative CT shows no residual disease. Adjuvant pembrolizumab for one year (KEYNOTE-564), or "
            "surveillance?"
        ),
        medications=("Amlodipine",),
    ),
    DemoCase(
        **_cedar_hills,
        slug="community2-oropharynx-hpv",
        patient=("CHR-530812", "Gary Lindholm", "male", 58),
        site="head_neck",
        histology="Squamous cell carcinoma of the left tonsil, HPV-associated (p16-positive)",
        stage="cT2 cN1 cM0 / I",
        diagnosed_days_ago=28,
        gfr=95,
        bilirubin=0.5,
        comorbidities=("Former smoker, 10 pack-years, quit 20 years ago",),
        preferences="Worried about long-term swallowing and taste; asks about de-escalation trials.",
        psychosocial="High-school music teacher and choir director.",
        question=(
            "p16-positive squamous cell carcinoma of the left tonsil, 3.2 cm, with a single 2.5 cm ipsilateral node "
            "(AJCC8 cT2 cN1, stage I). Transoral robotic surgery with neck dissection, or definitive chemoradiation "
            "with cisplatin? Is he eligible for a de-escalation trial?"
        ),
    ),
    DemoCase(
        **_cedar_hills,
        slug="community2-endometrial-dmmr",
        patient=("CHR-528440", "Judith Ostrowski", "female", 66),
        site="uterus",
        histology="Endometrioid adenocarcinoma of the endometrium",
        grade="G2",
        stage="pT3a pN1a cM0 / IIIC1",
        diagnosed_days_ago=40,
        ecog=1,
        gfr=70,
        bilirubin=0.5,
        comorbidities=("Obesity (BMI 41)", "Type 2 diabetes", "Hypertension"),
        menopausal="post",
        preferences="Wants to avoid radiation if chemotherapy alone is enough.",
        psychosocial="Lives alone; her sister will stay with her during treatment.",
        question=(
            "Stage IIIC1 (FIGO 2009) endometrioid endometrial carcinoma after hysterectomy, bilateral "
            "salpingo-oophorectomy and pelvic lymphadenectomy; dMMR with MLH1 promoter hypermethylation. "
            "Carboplatin/paclitaxel with dostarlimab (RUBY) or pembrolizumab (NRG-GY018)? Is vaginal brachytherapy "
            "or pelvic radiation still needed?"
        ),
        biomarkers=(("MSI", "high", None, "dMMR: MLH1/PMS2 loss, MLH1 promoter hypermethylated"),),
        medications=("Metformin", "Insulin glargine", "Lisinopril"),
    ),
    DemoCase(
        **_cedar_hills,
        slug="community2-breast-older-primary-endocrine",
        patient=("CHR-532267", "Mildred Sorensen", "female", 84),
        site="breast",
        histology="Invasive ductal carcinoma (core biopsy)",
        grade="G2",
        stage="cT2 cN0 cM0 / IIA",
        diagnosed_days_ago=20,
        ecog=2,
        gfr=41,
        lvef=35,
        bilirubin=0.6,
        comorbidities=(
            "Heart failure with reduced ejection fraction",
            "Chronic kidney disease stage 3b",
            "Mild dementia",
        ),
        menopausal="post",
        preferences="Would rather avoid surgery; her son, her health-care proxy, agrees.",
        psychosocial="Lives with her son's family.",
        question=(
            "84-year-old with a 2.6 cm ER-positive HER2-negative IDC, clinically node-negative, heart failure "
            "(LVEF 35%) and CKD 3b; anesthesia risk judged high. Primary endocrine therapy with letrozole and "
            "ultrasound follow-up, or lumpectomy under local anesthesia?"
        ),
        biomarkers=(("ER", "positive", 95), ("PR", "positive", 50), ("HER2", "negative", None, "IHC 1+")),
        medications=("Furosemide", "Carvedilol", "Sacubitril/valsartan", "Donepezil"),
    ),
]
