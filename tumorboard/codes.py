"""Code lists every app shares (SPEC §3): the disease sites boards review and cases have, and a case's urgency,
which orders an agenda. The other code lists live with the app that owns them (cases/codes.py, specialists)."""

from django.db.models import TextChoices


class DiseaseSite(TextChoices):
    BREAST = "breast", "Breast"
    LUNG = "lung", "Lung"
    COLORECTAL = "colorectal", "Colorectal"
    ESOPHAGOGASTRIC = "esophagogastric", "Esophagus and stomach"
    PANCREAS = "pancreas", "Pancreas"
    HEPATOBILIARY = "hepatobiliary", "Liver and biliary tract"
    PROSTATE = "prostate", "Prostate"
    KIDNEY = "kidney", "Kidney"
    BLADDER = "bladder", "Bladder"
    OVARY = "ovary", "Ovary"
    UTERUS = "uterus", "Uterus"
    CERVIX = "cervix", "Cervix"
    MELANOMA = "melanoma", "Melanoma"
    HEAD_NECK = "head_neck", "Head and neck"
    BRAIN = "brain", "Brain"
    SARCOMA = "sarcoma", "Sarcoma"
    THYROID = "thyroid", "Thyroid"
    LYMPHOMA = "lymphoma", "Lymphoma"
    LEUKEMIA = "leukemia", "Leukemia"
    MYELOMA = "myeloma", "Myeloma"
    OTHER = "other", "Other"


class Urgency(TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
