"""The code lists of SPEC §2 and §6, exactly as written there. No model imports: any app may use them."""

from django.db.models import TextChoices

from tumorboard.codes import DiseaseSite, Urgency  # noqa: F401 (shared with scheduling, so kept in the kernel)


class Sex(TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class TreatmentIntent(TextChoices):
    CURATIVE = "curative", "Curative"
    DISEASE_CONTROL = "disease_control", "Disease control"
    PALLIATIVE = "palliative", "Palliative"


class FinancialNavigation(TextChoices):
    """Whether the patient was connected with a financial navigator or social worker (financial toxicity)."""

    NOT_RECORDED = "not_recorded", "Not recorded"
    REFERRED = "referred", "Referred"
    DECLINED = "declined", "Declined"
    NOT_NEEDED = "not_needed", "Not needed"


class PriorAnthracycline(TextChoices):
    """The anthracyclines (and the anthracenedione mitoxantrone) whose prior cumulative dose a case records."""

    DOXORUBICIN = "doxorubicin", "Doxorubicin"
    DAUNORUBICIN = "daunorubicin", "Daunorubicin"
    EPIRUBICIN = "epirubicin", "Epirubicin"
    IDARUBICIN = "idarubicin", "Idarubicin"
    MITOXANTRONE = "mitoxantrone", "Mitoxantrone"


class MenopausalStatus(TextChoices):
    PRE = "pre", "Premenopausal"
    POST = "post", "Postmenopausal"
    UNKNOWN = "unknown", "Unknown"


class Grade(TextChoices):
    G1 = "G1", "G1 (well differentiated)"
    G2 = "G2", "G2 (moderately differentiated)"
    G3 = "G3", "G3 (poorly differentiated)"
    G4 = "G4", "G4 (undifferentiated)"
    GX = "GX", "GX (cannot be assessed)"


class BiomarkerName(TextChoices):
    ER = "ER", "Estrogen receptor"
    PR = "PR", "Progesterone receptor"
    HER2 = "HER2", "HER2"
    EGFR = "EGFR", "EGFR"
    ALK = "ALK", "ALK"
    ROS1 = "ROS1", "ROS1"
    KRAS = "KRAS", "KRAS"
    BRAF = "BRAF", "BRAF"
    BRCA1 = "BRCA1", "BRCA1"
    BRCA2 = "BRCA2", "BRCA2"
    MSI = "MSI", "MSI / MMR"
    PD_L1 = "PD-L1", "PD-L1"
    KI67 = "KI67", "Ki-67"
    TMB = "TMB", "Tumor mutational burden"
    ONCOTYPE_RS = "ONCOTYPE_RS", "Oncotype DX recurrence score"
    MAMMAPRINT = "MAMMAPRINT", "MammaPrint"
    ONCOTYPE_COLON = "ONCOTYPE_COLON", "Oncotype DX Colon recurrence score"
    DECIPHER = "DECIPHER", "Decipher genomic classifier"


class BiomarkerResult(TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    EQUIVOCAL = "equivocal", "Equivocal"
    DETECTED = "detected", "Detected"
    NOT_DETECTED = "not_detected", "Not detected"
    HIGH = "high", "High"
    LOW = "low", "Low"


class PgxGene(TextChoices):
    DPYD = "DPYD", "DPYD"
    UGT1A1 = "UGT1A1", "UGT1A1"
    CYP2D6 = "CYP2D6", "CYP2D6"
    TPMT = "TPMT", "TPMT"
    NUDT15 = "NUDT15", "NUDT15"


class PgxPhenotype(TextChoices):
    NORMAL = "normal", "Normal metabolizer"
    INTERMEDIATE = "intermediate", "Intermediate metabolizer"
    POOR = "poor", "Poor metabolizer"
    ULTRARAPID = "ultrarapid", "Ultrarapid metabolizer"
    INDETERMINATE = "indeterminate", "Indeterminate"


class MedicationStatus(TextChoices):
    ACTIVE = "active", "Active"
    STOPPED = "stopped", "Stopped"


# Karnofsky and Lansky performance scores: 0 to 100 in steps of 10
PERFORMANCE_SCORES = [(score, score) for score in range(0, 101, 10)]


class VariantKind(TextChoices):
    SEQUENCE = "sequence", "Sequence variant"
    FUSION = "fusion", "Fusion"
    COPY_NUMBER = "copy_number", "Copy-number change"
    OTHER = "other", "Other"


class VariantOrigin(TextChoices):
    GERMLINE = "germline", "Germline"
    SOMATIC = "somatic", "Somatic"
    UNKNOWN = "unknown", "Origin not stated"


class VariantInterpretation(TextChoices):
    """ACMG/AMP five-tier clinical significance (Richards et al., Genet Med 2015); blank when the report gives none."""

    PATHOGENIC = "pathogenic", "Pathogenic"
    LIKELY_PATHOGENIC = "likely_pathogenic", "Likely pathogenic"
    UNCERTAIN = "uncertain", "Uncertain significance"
    LIKELY_BENIGN = "likely_benign", "Likely benign"
    BENIGN = "benign", "Benign"


class StagingSystem(TextChoices):
    """Staging and grouping systems other than AJCC TNM, kept with their system (mCODE's staging value sets)."""

    FIGO = "figo", "FIGO stage"
    GLEASON_GRADE_GROUP = "gleason_grade_group", "Gleason grade group (ISUP)"
    ISS = "iss", "International Staging System (myeloma)"
    R_ISS = "r_iss", "Revised ISS (myeloma)"
    BINET = "binet", "Binet stage"
    RAI = "rai", "Rai stage"
    ANN_ARBOR = "ann_arbor", "Ann Arbor stage"
    LUGANO = "lugano", "Lugano stage"
    BRESLOW = "breslow", "Breslow depth (mm)"
    RISK_GROUP = "risk_group", "Risk group"
    OTHER = "other", "Other system"


class TreatmentKind(TextChoices):
    SYSTEMIC = "systemic", "Systemic therapy"
    SURGERY = "surgery", "Surgery"
    RADIOTHERAPY = "radiotherapy", "Radiotherapy"
    OTHER = "other", "Other"


class TreatmentCourseStatus(TextChoices):
    ONGOING = "ongoing", "Ongoing"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped early"
    UNKNOWN = "unknown", "Not stated"


class CaseStatus(TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCHEDULED = "scheduled", "Scheduled"
    DISCUSSED = "discussed", "Discussed"
    RECOMMENDED = "recommended", "Recommended"
    CLOSED = "closed", "Closed"
    INFO_REQUESTED = "info_requested", "Information requested"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DocumentKind(TextChoices):
    PATHOLOGY = "pathology", "Pathology report"
    IMAGING = "imaging", "Imaging report"
    GENOMIC = "genomic", "Genomic report"
    CLINICAL_NOTE = "clinical_note", "Clinical note"
    LABORATORY = "laboratory", "Laboratory results"
    OTHER = "other", "Other"


class CommentKind(TextChoices):
    GENERAL = "general", "General"
    QUESTION = "question", "Question"
    PRE_REVIEW = "pre_review", "Pre-meeting review"
    INFO_REQUEST = "info_request", "Information request"


class PlanKind(TextChoices):
    PROPOSED = "proposed", "Proposed (presenter's plan)"
    BOARD = "board", "Board recommendation"


class Consensus(TextChoices):
    UNANIMOUS = "unanimous", "Unanimous"
    MAJORITY = "majority", "Majority"
    NO_CONSENSUS = "no_consensus", "No consensus"


class Modality(TextChoices):
    SURGERY = "surgery", "Surgery"
    SYSTEMIC_THERAPY = "systemic_therapy", "Systemic therapy"
    RADIATION_THERAPY = "radiation_therapy", "Radiation therapy"
    CLINICAL_TRIAL = "clinical_trial", "Clinical trial"
    ACTIVE_SURVEILLANCE = "active_surveillance", "Active surveillance"
    SUPPORTIVE_CARE = "supportive_care", "Supportive care"
    PALLIATIVE_CARE = "palliative_care", "Palliative care"
    GENETIC_COUNSELING = "genetic_counseling", "Genetic counseling"
    FURTHER_DIAGNOSTICS = "further_diagnostics", "Further diagnostics"
    FERTILITY_PRESERVATION = "fertility_preservation", "Fertility preservation"
    OTHER = "other", "Other"


class PacketStatus(TextChoices):
    PENDING = "pending", "Pending"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReviewKind(TextChoices):
    PATHOLOGY_REREAD = "pathology_reread", "Pathology re-read"
    IMAGING_REREAD = "imaging_reread", "Imaging re-read"
    GENETICS = "genetics", "Genetics review"
    PALLIATIVE = "palliative", "Palliative care review"
    NAVIGATION = "navigation", "Nurse navigation review"


class ChangeCategory(TextChoices):
    INTENT_CHANGED = "intent_changed", "Treatment intent changed"
    MODALITY_ADDED = "modality_added", "Modality added"
    MODALITY_REMOVED = "modality_removed", "Modality removed"
    REGIMEN_CHANGED = "regimen_changed", "Regimen changed"
    TRIAL_REFERRAL = "trial_referral", "Referred to a clinical trial"
    DIAGNOSTICS_REQUESTED = "diagnostics_requested", "Further diagnostics requested"
    PATHOLOGY_REVISED = "pathology_revised", "Pathology revised"
    STAGING_REVISED = "staging_revised", "Staging revised"


class ChangeBasis(TextChoices):
    PROPOSED = "proposed", "Against the latest proposed plan"
    PREVIOUS_BOARD = "previous_board", "Against the previous board plan"
    NONE = "none", "Nothing to compare with"


class Implemented(TextChoices):
    YES = "yes", "Yes"
    PARTIAL = "partial", "Partially"
    NO = "no", "No"


class NotImplementedReason(TextChoices):
    PATIENT_CHOICE = "patient_choice", "Patient's choice"
    CLINICAL_CHANGE = "clinical_change", "Clinical change"
    TOXICITY = "toxicity", "Toxicity"
    PROGRESSION = "progression", "Progression"
    DIED = "died", "Died"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up", "Lost to follow-up"
    PAYMENT = "payment", "Payment"
    OTHER = "other", "Other"


class SecondOpinionStatus(TextChoices):
    """SPEC §4, aligned with FHIR Task statuses."""

    REQUESTED = "requested", "Requested"
    INFO_REQUESTED = "info_requested", "Information requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SCHEDULED = "scheduled", "Scheduled"
    REVIEWED = "reviewed", "Reviewed"
    REPORT_SENT = "report_sent", "Report sent"
    CANCELLED = "cancelled", "Cancelled"


# A request still waiting for something: one per case at a time; these are escalated and may be cancelled.
SECOND_OPINION_OPEN = frozenset(
    {
        SecondOpinionStatus.REQUESTED,
        SecondOpinionStatus.INFO_REQUESTED,
        SecondOpinionStatus.ACCEPTED,
        SecondOpinionStatus.SCHEDULED,
        SecondOpinionStatus.REVIEWED,
    }
)


class ReviewTaskStatus(TextChoices):
    """A specialty's pre-meeting review of a case (cases.models.ReviewTask): open (assigned or open to the specialty's
    members), claimed by one of them, done (the review recorded) or cancelled (the case left the agenda)."""

    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


REVIEW_TASK_ACTIVE = frozenset({ReviewTaskStatus.OPEN, ReviewTaskStatus.CLAIMED})


class TrialPhase(TextChoices):
    """A study's phase as registries give it (ClinicalTrials.gov's phase list)."""

    EARLY_1 = "early_1", "Early phase 1"
    PHASE_1 = "1", "Phase 1"
    PHASE_1_2 = "1_2", "Phase 1/2"
    PHASE_2 = "2", "Phase 2"
    PHASE_2_3 = "2_3", "Phase 2/3"
    PHASE_3 = "3", "Phase 3"
    PHASE_4 = "4", "Phase 4"
    NOT_APPLICABLE = "na", "Not applicable"


class TrialStatus(TextChoices):
    """Whether the institution's site recruits: only open trials are matched to cases."""

    OPEN = "open", "Open to accrual"
    NOT_YET_OPEN = "not_yet_open", "Not yet open"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed to accrual"


class StageLimit(TextChoices):
    """The main AJCC stage groups a trial's stage limits take; a case's group is read by its main group ("IIIA" is
    in III)."""

    STAGE_0 = "0", "Stage 0"
    STAGE_I = "I", "Stage I"
    STAGE_II = "II", "Stage II"
    STAGE_III = "III", "Stage III"
    STAGE_IV = "IV", "Stage IV"
