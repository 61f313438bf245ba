"""Demo cases of the Thoracic board (Riverside University Cancer Center). Fictional patients."""

from demo.world import DemoCase

_common = {"board": "thoracic", "site": "lung"}

CASES = [
    DemoCase(
        **_common,
        slug="lung-egfr-exon19-adjuvant",
        scenario="EGFR exon 19 deletion lung adenocarcinoma (osimertinib)",
        patient=("RUCC-1049901", "Mei-Ling Chou", "female", 62),
        created_by="surgonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        histology="Adenocarcinoma, acinar predominant",
        grade="G2",
        stage="cT2a cN0 cM0 pT2a pN1 / IIB",
        diagnosed_days_ago=40,
        gfr=86,
        bilirubin=0.5,
        comorbidities=("Hypothyroidism",),
        menopausal="post",
        preferences="Would like to avoid chemotherapy if the benefit is marginal.",
        psychosocial="Never smoker. Retired pharmacist; lives with her husband.",
        question=(
            "Right upper lobectomy with mediastinal node dissection: 3.4 cm acinar-predominant adenocarcinoma, "
            "1 of 6 hilar nodes positive (pT2a pN1), EGFR exon 19 deletion, PD-L1 TPS 5%. Adjuvant cisplatin-"
            "pemetrexed x4 followed by osimertinib for 3 years (ADAURA), or osimertinib alone given her wish to "
            "avoid chemotherapy?"
        ),
        biomarkers=(
            ("EGFR", "detected", None, "exon 19 deletion (p.E746_A750del)"),
            ("ALK", "not_detected", None, "IHC D5F3 negative"),
            ("ROS1", "not_detected"),
            ("KRAS", "not_detected"),
            ("PD-L1", "low", 5, "TPS 5% (22C3)"),
        ),
        karnofsky=90,
        body=(61, 158),
        variants=(("EGFR", "p.Glu746_Ala750del", "somatic", "pathogenic"),),
        treatments=(("surgery", "Right upper lobectomy with mediastinal node dissection", 26, 26, "completed"),),
        medications=("Levothyroxine",),
    ),
    DemoCase(
        **_common,
        slug="lung-nsclc-workup-missing",
        scenario="Metastatic NSCLC with only PD-L1: EGFR/ALK/ROS1/KRAS work-up missing",
        patient=("RUCC-1071532", "Gerald Mason", "male", 71),
        created_by="navigator",
        treating="medonc",
        status="submitted",
        urgency="urgent",
        histology="Non-small cell carcinoma, favour adenocarcinoma (TTF-1 positive)",
        grade="G3",
        stage="cT3 cN2 cM1c / IVB",
        metastatic_sites=("bone", "liver"),
        diagnosed_days_ago=20,
        ecog=1,
        gfr=68,
        bilirubin=0.9,
        comorbidities=("COPD (GOLD 2)", "Coronary artery disease", "50 pack-year smoking history, quit 2 years ago"),
        intent="disease_control",
        preferences="Wants to hear all options; hopes to be at his granddaughter's wedding in five months.",
        psychosocial="Lives with his wife; limited transport, his daughter drives on weekends.",
        question=(
            "Stage IVB NSCLC (adenocarcinoma, TTF-1 positive) with bone and liver metastases, diagnosed on "
            "EBUS-TBNA. Only PD-L1 is available (TPS 60%); the cell block was insufficient for next-generation "
            "sequencing. Start pembrolizumab now, or wait for plasma NGS before first-line therapy?"
        ),
        biomarkers=(("PD-L1", "high", 60, "TPS 60% (22C3)"),),
        medications=("Tiotropium", "Aspirin", "Rosuvastatin", "Oxycodone"),
    ),
    DemoCase(
        **_common,
        slug="lung-alk-positive",
        scenario="ALK-positive lung adenocarcinoma",
        patient=("RUCC-1068823", "Daniel Ortega", "male", 45),
        created_by="medonc",
        treating="medonc",
        status="scheduled",
        meeting=1,
        histology="Adenocarcinoma, solid predominant with signet-ring cell features",
        grade="G3",
        stage="cT2b cN2 cM1c / IVB",
        metastatic_sites=("brain", "bone"),
        metastasis_count=7,
        diagnosed_days_ago=35,
        ecog=1,
        gfr=102,
        bilirubin=0.6,
        goc_discussed=True,
        fertility_goals="Two children; no further plans.",
        intent="disease_control",
        preferences="Strongly prefers oral therapy; wants to keep working as a software engineer.",
        psychosocial="Never smoker. Married, children aged 7 and 10; his wife is a nurse.",
        question=(
            "Stage IVB adenocarcinoma with an EML4-ALK fusion on tissue NGS, three asymptomatic brain metastases "
            "(largest 8 mm) and bone metastases. First-line lorlatinib (CROWN) or alectinib? Can stereotactic "
            "radiosurgery be deferred given the intracranial activity of lorlatinib?"
        ),
        biomarkers=(
            ("ALK", "detected", None, "EML4-ALK fusion (variant 3); IHC D5F3 positive"),
            ("EGFR", "not_detected"),
            ("ROS1", "not_detected"),
            ("KRAS", "not_detected"),
            ("PD-L1", "low", 10, "TPS 10% (22C3)"),
        ),
        body=(78, 180),
        variants=(("EML4", "variant 3 (exon 6 to exon 20)", "somatic", "pathogenic", "fusion", "ALK"),),
        medications=("Acetaminophen",),
    ),
    DemoCase(
        **_common,
        slug="lung-stage3-carboplatin-gfr",
        scenario="Carboplatin candidate with GFR recorded (Calvert)",
        patient=("RUCC-1050447", "Harold Jenkins", "male", 68),
        created_by="radonc",
        treating="radonc",
        status="submitted",
        histology="Squamous cell carcinoma, keratinizing",
        grade="G2",
        stage="cT3 cN2 cM0 / IIIB",
        diagnosed_days_ago=28,
        ecog=1,
        gfr=52,
        bilirubin=0.6,
        comorbidities=(
            "COPD (FEV1 62% predicted)",
            "Chronic kidney disease stage 3a",
            "40 pack-year smoking history, current smoker",
        ),
        preferences="Wants treatment with curative intent; worried about swallowing problems during radiation.",
        psychosocial="Enrolled in the smoking-cessation programme; lives alone, his brother checks on him.",
        question=(
            "Unresectable stage IIIB squamous NSCLC (cT3 cN2, PET-staged, brain MRI negative). Proposed concurrent "
            "chemoradiation, 60 Gy in 30 fractions with weekly carboplatin AUC 2 and paclitaxel 45 mg/m², then "
            "durvalumab for 12 months (PACIFIC). With a GFR of 52 mL/min, agree with carboplatin rather than "
            "cisplatin?"
        ),
        biomarkers=(
            ("PD-L1", "positive", 30, "TPS 30% (22C3)"),
            ("EGFR", "not_detected"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
            ("KRAS", "not_detected"),
        ),
        medications=("Tiotropium", "Albuterol", "Amlodipine"),
    ),
    DemoCase(
        **_common,
        slug="lung-sclc-ecog2-gfr-missing",
        scenario="ECOG 2; carboplatin candidate without a recorded GFR",
        patient=("RUCC-1073309", "Barbara Lindgren", "female", 76),
        created_by="navigator",
        treating="medonc",
        status="submitted",
        urgency="urgent",
        histology="Small cell carcinoma",
        stage="cT4 cN3 cM1c / IVB",
        metastatic_sites=("liver", "bone", "adrenal gland"),
        diagnosed_days_ago=9,
        ecog=2,
        bilirubin=1.1,
        comorbidities=(
            "COPD",
            "Hyponatremia from SIADH",
            "Acute kidney injury on admission (dehydration), creatinine improving",
        ),
        menopausal="post",
        intent="disease_control",
        preferences="Wants to try treatment if it can get her home; has not yet said what matters most to her if "
        "treatment does not work.",
        psychosocial="Lives with her husband in a two-storey house; her son lives out of state.",
        question=(
            "Extensive-stage small cell lung cancer with liver, bone and adrenal metastases, ECOG 2 and improving "
            "after correction of hyponatremia. Proposed carboplatin AUC 5 + etoposide + durvalumab x4, then "
            "durvalumab maintenance; consolidative thoracic radiation if she responds. Agree?"
        ),
        medications=("Tiotropium", "Sodium chloride tablets", "Oxycodone"),
    ),
    DemoCase(
        **_common,
        slug="lung-ecog3-curative-chemoradiation",
        scenario="ECOG 3 with a curative-intent multimodal plan",
        patient=("RUCC-1069945", "Walter Dubois", "male", 79),
        created_by="radonc",
        treating="radonc",
        status="scheduled",
        meeting=1,
        histology="Adenocarcinoma",
        grade="G2",
        stage="cT2b cN2 cM0 / IIIA",
        diagnosed_days_ago=33,
        ecog=3,
        gfr=61,
        lvef=55,
        bilirubin=0.7,
        comorbidities=(
            "COPD, admitted for an exacerbation three weeks ago",
            "Heart failure with preserved ejection fraction",
            "Type 2 diabetes",
            "Deconditioning after hospitalization",
        ),
        preferences="Wants treatment 'if there is a chance of cure' but fears losing his independence. His daughter "
        "is his health-care proxy.",
        psychosocial="Living with his daughter since discharge; home physical therapy has started.",
        question=(
            "Stage IIIA (cT2b cN2) adenocarcinoma; EGFR/ALK/ROS1 negative, KRAS G12C, PD-L1 TPS 1%. Curative-intent "
            "concurrent chemoradiation (weekly carboplatin/paclitaxel with 60 Gy) then durvalumab was proposed "
            "before his COPD admission; he is now ECOG 3. Is he still a candidate, or should we offer hypofractionated "
            "radiation alone or best supportive care?"
        ),
        biomarkers=(
            ("EGFR", "not_detected"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
            ("KRAS", "detected", None, "G12C"),
            ("PD-L1", "low", 1, "TPS 1% (22C3)"),
        ),
        medications=("Tiotropium", "Furosemide", "Insulin glargine", ("Prednisone", "stopped")),
    ),
    DemoCase(
        **_common,
        slug="lung-neoadjuvant-chemoimmunotherapy",
        patient=("RUCC-1074456", "Nadia Haddad", "female", 64),
        created_by="surgonc",
        treating="surgonc",
        status="draft",
        histology="Adenocarcinoma",
        grade="G2",
        stage="cT2b cN1 cM0 / IIB",
        diagnosed_days_ago=16,
        gfr=78,
        bilirubin=0.4,
        comorbidities=("Rheumatoid arthritis on methotrexate",),
        menopausal="post",
        preferences="Keen on surgery; worried about her arthritis flaring.",
        psychosocial="Lives with her husband; grandmother of three.",
        question=(
            "Resectable stage IIB adenocarcinoma (4.6 cm, ipsilateral hilar node positive on EBUS), EGFR and ALK "
            "negative, KRAS G12V, PD-L1 TPS 45%. Neoadjuvant nivolumab + carboplatin/pemetrexed x3 (CheckMate 816) "
            "then lobectomy, or perioperative pembrolizumab (KEYNOTE-671)? Rheumatology input on the risk of an "
            "arthritis flare with immunotherapy?"
        ),
        biomarkers=(
            ("EGFR", "not_detected"),
            ("ALK", "not_detected"),
            ("ROS1", "not_detected"),
            ("KRAS", "detected", None, "G12V"),
            ("PD-L1", "positive", 45, "TPS 45% (22C3)"),
        ),
        medications=("Methotrexate", "Folic acid", "Hydroxychloroquine"),
    ),
]
