"""The drug vocabulary of the checklist: generic names, brand names and synonyms, regimen acronyms, drug classes.

``expand(text)`` turns what a plan or a medication list says ("FOLFOX", "5-FU bolus", "Xeloda",
"carboplatin AUC 5 + paclitaxel", "T-DXd") into the set of canonical generic names (lower case). Matching
ignores case, whitespace, hyphens and punctuation, word by word; the longest known phrase wins ("AC-T" is a
regimen, not "AC" then "T"; "13-cis-retinoic acid" is isotretinoin). ``scan(text)`` also says which ambiguous
abbreviations the text uses.

The checklist fails closed (cases/checklist/rules_treatment.py, ``safety.drugs.unrecognised``): a systemic
therapy whose drugs it cannot all read gets a warning that its safety checks could not run. Abbreviations that
name different regimens in different fields (AMBIGUOUS: "TC" is docetaxel + cyclophosphamide in breast
cancer and carboplatin + paclitaxel in gynaecologic and lung cancer) are not guessed: the board is asked for the
drugs. "cis" alone is no alias of cisplatin (CIS is carcinoma in situ; "gem/cis" is still gemcitabine +
cisplatin).
"""

from __future__ import annotations

import re
from functools import lru_cache

# canonical generic name → brand names and synonyms (the generic name itself is always known)
SYNONYMS: dict[str, tuple[str, ...]] = {
    # fluoropyrimidines
    "fluorouracil": ("5-FU", "5FU", "5-fluorouracil", "Adrucil", "Efudex"),
    "floxuridine": ("FUDR", "5-fluoro-2'-deoxyuridine"),
    "capecitabine": ("Xeloda", "cape"),
    "tegafur": ("S-1", "Teysuno", "tegafur-gimeracil-oteracil", "UFT"),
    "leucovorin": ("folinic acid", "levoleucovorin", "calcium folinate", "LV"),
    # platinum
    "oxaliplatin": ("Eloxatin", "oxali"),
    "cisplatin": ("Platinol", "CDDP"),
    "carboplatin": ("Paraplatin", "carbo"),
    # topoisomerase inhibitors
    "irinotecan": ("Camptosar", "CPT-11", "liposomal irinotecan", "nal-IRI", "Onivyde"),
    "topotecan": ("Hycamtin",),
    "etoposide": ("VP-16", "Etopophos", "Vepesid"),
    # anthracyclines
    "doxorubicin": ("Adriamycin", "doxo", "hydroxydaunorubicin"),
    "liposomal doxorubicin": ("pegylated liposomal doxorubicin", "PLD", "Doxil", "Caelyx"),
    "epirubicin": ("Ellence", "Pharmorubicin"),
    "daunorubicin": ("Cerubidine", "daunomycin"),
    "idarubicin": ("Idamycin", "Zavedos"),
    "mitoxantrone": ("Novantrone",),
    # alkylating agents
    "cyclophosphamide": ("Cytoxan", "Endoxan", "Endoxana"),
    "ifosfamide": ("Ifex", "Holoxan"),
    "busulfan": ("Busulfex", "Myleran"),
    "melphalan": ("Alkeran", "Evomela"),
    "procarbazine": ("Matulane", "Natulan"),
    "chlorambucil": ("Leukeran",),
    "bendamustine": ("Treanda", "Bendeka", "Levact"),
    "thiotepa": ("Tepadina",),
    "carmustine": ("BCNU", "BiCNU", "Gliadel"),
    "lomustine": ("CCNU", "Gleostine", "CeeNU"),
    "mechlorethamine": ("mustine", "nitrogen mustard"),
    "dacarbazine": ("DTIC",),
    "temozolomide": ("Temodar", "Temodal"),
    # taxanes and other cytotoxics
    "paclitaxel": ("Taxol",),
    "nab-paclitaxel": ("Abraxane", "albumin-bound paclitaxel"),
    "docetaxel": ("Taxotere",),
    "gemcitabine": ("Gemzar", "gem"),
    "pemetrexed": ("Alimta",),
    "methotrexate": ("MTX", "Trexall"),
    "vincristine": ("Oncovin",),
    "vinblastine": ("Velban",),
    "vinorelbine": ("Navelbine",),
    "eribulin": ("Halaven",),
    "bleomycin": ("Blenoxane",),
    "dactinomycin": ("actinomycin D", "Cosmegen"),
    "mitomycin": ("mitomycin C", "Mutamycin"),
    # thiopurines
    "mercaptopurine": ("6-MP", "6MP", "Purinethol", "Purixan"),
    "thioguanine": ("6-TG", "6TG", "Tabloid", "tioguanine"),
    "azathioprine": ("Imuran", "Azasan"),
    # HER2-directed
    "trastuzumab": ("Herceptin", "Herceptin Hylecta", "trastuzumab-hyaluronidase", "Ogivri", "Kanjinti", "Trazimera"),
    "pertuzumab": ("Perjeta",),
    "trastuzumab deruxtecan": ("T-DXd", "Enhertu", "fam-trastuzumab deruxtecan-nxki", "DS-8201"),
    "trastuzumab emtansine": ("T-DM1", "Kadcyla", "ado-trastuzumab emtansine"),
    "sacituzumab govitecan": ("Trodelvy", "sacituzumab govitecan-hziy"),
    "margetuximab": ("Margenza",),
    "lapatinib": ("Tykerb", "Tyverb"),
    "neratinib": ("Nerlynx",),
    "tucatinib": ("Tukysa",),
    "zanidatamab": ("Ziihera",),
    # EGFR
    "osimertinib": ("Tagrisso",),
    "erlotinib": ("Tarceva",),
    "gefitinib": ("Iressa",),
    "afatinib": ("Gilotrif", "Giotrif"),
    "dacomitinib": ("Vizimpro",),
    "amivantamab": ("Rybrevant",),
    "lazertinib": ("Lazcluze",),
    "cetuximab": ("Erbitux",),
    "panitumumab": ("Vectibix",),
    # ALK / ROS1
    "alectinib": ("Alecensa",),
    "lorlatinib": ("Lorbrena", "Lorviqua"),
    "brigatinib": ("Alunbrig",),
    "ceritinib": ("Zykadia",),
    "crizotinib": ("Xalkori",),
    "entrectinib": ("Rozlytrek",),
    "repotrectinib": ("Augtyro",),
    "taletrectinib": ("Ibtrozi",),
    "ensartinib": ("Ensacove",),
    # BRAF / MEK
    "dabrafenib": ("Tafinlar",),
    "trametinib": ("Mekinist",),
    "encorafenib": ("Braftovi",),
    "binimetinib": ("Mektovi",),
    "vemurafenib": ("Zelboraf",),
    "cobimetinib": ("Cotellic",),
    # PARP
    "olaparib": ("Lynparza",),
    "talazoparib": ("Talzenna",),
    "niraparib": ("Zejula",),
    "rucaparib": ("Rubraca",),
    # immune checkpoint inhibitors
    "pembrolizumab": ("Keytruda", "pembro"),
    "nivolumab": ("Opdivo", "nivo"),
    "dostarlimab": ("Jemperli",),
    "cemiplimab": ("Libtayo",),
    "atezolizumab": ("Tecentriq",),
    "durvalumab": ("Imfinzi",),
    "avelumab": ("Bavencio",),
    "ipilimumab": ("Yervoy", "ipi"),
    # other targeted and supportive
    "bevacizumab": ("Avastin", "bev"),
    "rituximab": ("Rituxan", "MabThera"),
    "isotretinoin": ("13-cis-retinoic acid", "13-cis retinoic acid", "Accutane"),
    "bcg": ("bacillus Calmette-Guerin", "TICE BCG"),
    "prednisone": ("prednisolone",),
    # KRAS G12C, CDK4/6, PI3K/AKT
    "sotorasib": ("Lumakras", "Lumykras"),
    "adagrasib": ("Krazati",),
    "palbociclib": ("Ibrance",),
    "ribociclib": ("Kisqali",),
    "abemaciclib": ("Verzenio", "Verzenios"),
    "capivasertib": ("Truqap",),
    "alpelisib": ("Piqray",),
    # endocrine therapy
    "tamoxifen": ("Nolvadex", "Soltamox"),
    "fulvestrant": ("Faslodex",),
    "letrozole": ("Femara",),
    "anastrozole": ("Arimidex",),
    "exemestane": ("Aromasin",),
    # CYP2D6 inhibitors and their alternatives (current medications)
    "paroxetine": ("Paxil", "Seroxat", "Pexeva", "Brisdelle"),
    "fluoxetine": ("Prozac", "Sarafem"),
    "bupropion": ("Wellbutrin", "Zyban"),
    "quinidine": (),
    "duloxetine": ("Cymbalta",),
    "terbinafine": ("Lamisil",),
    "cinacalcet": ("Sensipar", "Mimpara"),
    "mirabegron": ("Myrbetriq", "Betmiga"),
    "venlafaxine": ("Effexor",),
    "desvenlafaxine": ("Pristiq",),
}

# Where the names come from: a generic name and its brand names from the drug's labeling (FDA, or the EMA's
# product information for a European brand); a regimen's drugs from the trial or report that defined it.
NAMES_SOURCE = (
    "Generic and brand names: FDA labeling (Drugs@FDA) and EMA product information, 2026; short forms (carbo, gem, "
    "pembro) are clinical shorthand, read as that drug only"
)
AMBIGUOUS_SOURCE = "Kohler 1998, standardizing the nomenclature of cancer treatment regimens"

# regimen acronym → its drugs, and the source of each
REGIMENS: dict[str, tuple[str, ...]] = {}
REGIMEN_SOURCES: dict[str, str] = {}


def _regimen(names: tuple[str, ...], drugs: tuple[str, ...], source: str) -> None:
    for name in names:
        REGIMENS[name] = drugs
        REGIMEN_SOURCES[name] = source


_regimen(
    ("FOLFOX", "FOLFOX4", "FOLFOX6", "FOLFOX7", "mFOLFOX", "mFOLFOX6", "mFOLFOX7"),
    ("fluorouracil", "leucovorin", "oxaliplatin"),
    "MOSAIC (André 2004, N Engl J Med): FOLFOX4",
)
_regimen(("FOLFIRI", "mFOLFIRI"), ("fluorouracil", "leucovorin", "irinotecan"), "Douillard 2000, Lancet")
_regimen(
    ("FOLFIRINOX", "mFOLFIRINOX"),
    ("fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"),
    "ACCORD 11/PRODIGE 4 (Conroy 2011, N Engl J Med)",
)
_regimen(
    ("FOLFOXIRI",), ("fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"), "GONO (Falcone 2007, J Clin Oncol)"
)
_regimen(
    ("NALIRIFOX",),
    ("fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"),
    "NAPOLI 3 (Wainberg 2023, Lancet): liposomal irinotecan",
)
_regimen(("CAPOX", "XELOX", "CAPEOX"), ("capecitabine", "oxaliplatin"), "NO16968/XELOXA (Haller 2011, J Clin Oncol)")
_regimen(("CAPIRI", "XELIRI"), ("capecitabine", "irinotecan"), "BICC-C (Fuchs 2007, J Clin Oncol)")
_regimen(("FLOT",), ("fluorouracil", "leucovorin", "oxaliplatin", "docetaxel"), "FLOT4-AIO (Al-Batran 2019, Lancet)")
_regimen(("de Gramont", "LV5FU2", "5-FU/LV"), ("fluorouracil", "leucovorin"), "de Gramont 1997, J Clin Oncol")
_regimen(("AC",), ("doxorubicin", "cyclophosphamide"), "NSABP B-15 (Fisher 1990, J Clin Oncol)")
_regimen(("ddAC",), ("doxorubicin", "cyclophosphamide"), "CALGB 9741 (Citron 2003, J Clin Oncol): dose-dense")
_regimen(("EC",), ("epirubicin", "cyclophosphamide"), "Piccart 2001, J Clin Oncol (15-year update 2009)")
_regimen(
    ("AC-T", "AC-P", "ACT"),
    ("doxorubicin", "cyclophosphamide", "paclitaxel"),
    "CALGB 9344 (Henderson 2003, J Clin Oncol)",
)
_regimen(
    ("ddAC-T", "ddAC-P"), ("doxorubicin", "cyclophosphamide", "paclitaxel"), "CALGB 9741 (Citron 2003, J Clin Oncol)"
)
_regimen(
    ("AC-TH", "ddAC-TH"),
    ("doxorubicin", "cyclophosphamide", "paclitaxel", "trastuzumab"),
    "NSABP B-31/NCCTG N9831 (Romond 2005, N Engl J Med)",
)
_regimen(
    ("AC-THP", "ddAC-THP"),
    ("doxorubicin", "cyclophosphamide", "paclitaxel", "trastuzumab", "pertuzumab"),
    "APHINITY (von Minckwitz 2017, N Engl J Med): one of its chemotherapy backbones",
)
_regimen(
    ("FEC", "CEF"),
    ("fluorouracil", "epirubicin", "cyclophosphamide"),
    "NCIC CTG MA.5 (Levine 1998); French Adjuvant Study Group FEC 100 (2001, J Clin Oncol)",
)
_regimen(
    ("FEC-D", "FEC-T"),
    ("fluorouracil", "epirubicin", "cyclophosphamide", "docetaxel"),
    "PACS 01 (Roché 2006, J Clin Oncol)",
)
_regimen(("TAC",), ("docetaxel", "doxorubicin", "cyclophosphamide"), "BCIRG 001 (Martin 2005, N Engl J Med)")
_regimen(
    ("TCyclo", "docetaxel-cyclophosphamide"),
    ("docetaxel", "cyclophosphamide"),
    "US Oncology 9735 (Jones 2006, J Clin Oncol)",
)
_regimen(("TCH",), ("docetaxel", "carboplatin", "trastuzumab"), "BCIRG 006 (Slamon 2011, N Engl J Med)")
_regimen(
    ("TCHP",), ("docetaxel", "carboplatin", "trastuzumab", "pertuzumab"), "TRYPHAENA (Schneeweiss 2013, Ann Oncol)"
)
_regimen(("THP",), ("docetaxel", "trastuzumab", "pertuzumab"), "CLEOPATRA (Baselga 2012, N Engl J Med)")
_regimen(("TH", "APT"), ("paclitaxel", "trastuzumab"), "APT (Tolaney 2015, N Engl J Med)")
_regimen(("Phesgo",), ("trastuzumab", "pertuzumab"), "FDA approval of Phesgo (June 2020), from FeDeriCa")
_regimen(("CMF",), ("cyclophosphamide", "methotrexate", "fluorouracil"), "Bonadonna 1976, N Engl J Med")
_regimen(("carbotaxol", "carbotax", "CarboPac"), ("carboplatin", "paclitaxel"), "GOG 158 (Ozols 2003, J Clin Oncol)")
_regimen(
    ("GemCis", "CisGem", "gem cis", "cis gem"),
    ("gemcitabine", "cisplatin"),
    "von der Maase 2000 (J Clin Oncol, bladder); ABC-02 (Valle 2010, N Engl J Med, biliary)",
)
_regimen(("GemCarbo",), ("gemcitabine", "carboplatin"), "AGO-OVAR (Pfisterer 2006, J Clin Oncol)")
_regimen(("EP",), ("etoposide", "cisplatin"), "Sundstrøm 2002, J Clin Oncol (small-cell lung cancer)")
_regimen(("BEP",), ("bleomycin", "etoposide", "cisplatin"), "Williams 1987, N Engl J Med (germ-cell tumours)")
_regimen(
    ("ABVD",), ("doxorubicin", "bleomycin", "vinblastine", "dacarbazine"), "Bonadonna 1975, Cancer (Hodgkin lymphoma)"
)
_regimen(
    ("CHOP",), ("cyclophosphamide", "doxorubicin", "vincristine", "prednisone"), "SWOG/ECOG (Fisher 1993, N Engl J Med)"
)
_regimen(
    ("R-CHOP",),
    ("rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"),
    "GELA LNH-98.5 (Coiffier 2002, N Engl J Med; 10-year update 2010)",
)
_regimen(
    ("MVAC", "ddMVAC"),
    ("methotrexate", "vinblastine", "doxorubicin", "cisplatin"),
    "Sternberg 1989 (Cancer); EORTC 30924 (Sternberg 2001, J Clin Oncol): dose-dense",
)

# Abbreviations that mean different things in different places: never expanded; a systemic therapy naming one is
# asked for its drugs.
AMBIGUOUS: dict[str, str] = {
    "TC": "docetaxel + cyclophosphamide (breast) or carboplatin + paclitaxel (gynaecologic and lung cancer)",
    "VAC": "vincristine + dactinomycin + cyclophosphamide, or a vacuum wound dressing",
}

# Drug classes the rules use (canonical names).
FLUOROPYRIMIDINES = frozenset({"fluorouracil", "capecitabine", "tegafur", "floxuridine"})
IRINOTECAN = frozenset({"irinotecan"})
SACITUZUMAB = frozenset({"sacituzumab govitecan"})  # an SN-38 conjugate: UGT1A1
THIOPURINES = frozenset({"mercaptopurine", "thioguanine", "azathioprine"})
ANTHRACYCLINES = frozenset({"doxorubicin", "liposomal doxorubicin", "epirubicin", "daunorubicin", "idarubicin"})
# cumulative cardiotoxicity: the anthracyclines and the anthracenedione mitoxantrone
CUMULATIVE_CARDIOTOXIC = ANTHRACYCLINES | {"mitoxantrone"}
# HER2-directed antibodies and conjugates with cardiac (LVEF) monitoring in their labeling
HER2_ANTIBODIES = frozenset(
    {"trastuzumab", "pertuzumab", "trastuzumab deruxtecan", "trastuzumab emtansine", "margetuximab"}
)
HER2_DIRECTED = HER2_ANTIBODIES | {"lapatinib", "neratinib", "tucatinib", "zanidatamab"}
EGFR_TKIS = frozenset({"osimertinib", "erlotinib", "gefitinib", "afatinib", "dacomitinib", "amivantamab", "lazertinib"})
ALK_INHIBITORS = frozenset({"alectinib", "lorlatinib", "brigatinib", "ceritinib", "crizotinib", "ensartinib"})
ROS1_INHIBITORS = frozenset({"crizotinib", "entrectinib", "repotrectinib", "taletrectinib", "lorlatinib"})
BRAF_MEK_INHIBITORS = frozenset(
    {"dabrafenib", "trametinib", "encorafenib", "binimetinib", "vemurafenib", "cobimetinib"}
)
PARP_INHIBITORS = frozenset({"olaparib", "talazoparib", "niraparib", "rucaparib"})
CHECKPOINT_INHIBITORS = frozenset(
    {"pembrolizumab", "nivolumab", "dostarlimab", "cemiplimab", "atezolizumab", "durvalumab", "avelumab"}
)
ALKYLATORS = frozenset(
    {
        "cyclophosphamide",
        "ifosfamide",
        "busulfan",
        "melphalan",
        "procarbazine",
        "chlorambucil",
        "bendamustine",
        "thiotepa",
        "carmustine",
        "lomustine",
        "mechlorethamine",
        "dacarbazine",
        "temozolomide",
    }
)
# ASCO fertility preservation guideline: alkylating agents, cisplatin/carboplatin and anthracycline-based regimens
GONADOTOXIC = ALKYLATORS | ANTHRACYCLINES | {"cisplatin", "carboplatin"}
# Cytotoxic chemotherapy ("chemotherapy planned" for TAILORx); antibody-drug conjugates are not counted.
CYTOTOXIC = (
    FLUOROPYRIMIDINES
    | CUMULATIVE_CARDIOTOXIC
    | ALKYLATORS
    | {
        "oxaliplatin",
        "cisplatin",
        "carboplatin",
        "irinotecan",
        "topotecan",
        "etoposide",
        "paclitaxel",
        "nab-paclitaxel",
        "docetaxel",
        "gemcitabine",
        "pemetrexed",
        "methotrexate",
        "vincristine",
        "vinblastine",
        "vinorelbine",
        "eribulin",
        "bleomycin",
        "mitomycin",
        "dactinomycin",
    }
)
TAMOXIFEN = frozenset({"tamoxifen"})
# FDA table of CYP2D6 inhibitors: strong ones, then moderate ones
STRONG_CYP2D6_INHIBITORS = frozenset({"paroxetine", "fluoxetine", "bupropion", "quinidine"})
MODERATE_CYP2D6_INHIBITORS = frozenset({"duloxetine", "terbinafine", "cinacalcet", "mirabegron"})

_MAX_WORDS = 4


def _key(text: str) -> str:
    """The lookup key: lower case, letters and digits only."""
    return "".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=1)
def _lookup() -> dict[str, frozenset[str] | str]:
    """Key → the drugs it names, or (an ambiguous abbreviation) the abbreviation itself."""
    table: dict[str, frozenset[str] | str] = {}
    for generic, aliases in SYNONYMS.items():
        for alias in (generic, *aliases):
            table[_key(alias)] = frozenset({generic})
    for name, drugs in REGIMENS.items():
        table[_key(name)] = frozenset(drugs)
    for name in AMBIGUOUS:
        table[_key(name)] = name
    return table


@lru_cache(maxsize=4096)
def scan(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """``(drugs, ambiguous)``: the canonical drugs ``text`` names (a drug, a brand, a regimen, or several in a phrase)
    and the ambiguous abbreviations it uses."""
    table = _lookup()
    words = re.findall(r"[a-z0-9]+", (text or "").lower())
    found: set[str] = set()
    ambiguous: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            match = table.get("".join(words[i : i + n]))
            if match is not None:
                if isinstance(match, str):
                    ambiguous.append(match)
                else:
                    found |= match
                i += n
                break
        else:
            i += 1
    return frozenset(found), tuple(dict.fromkeys(ambiguous))


def expand(text: str) -> frozenset[str]:
    """The canonical drugs named in ``text`` (ambiguous abbreviations name none)."""
    return scan(text)[0]


def expand_all(names) -> frozenset[str]:
    result: set[str] = set()
    for name in names:
        if isinstance(name, str):
            result |= expand(name)
    return frozenset(result)


def vocabulary_markdown() -> str:
    """The vocabulary as a table, each entry with its source: the drugs (with their brand names and synonyms), the
    regimens (with their drugs) and the abbreviations never expanded (``manage.py checklist_rules --vocabulary``)."""
    lines = ["| Name | What the checklist reads | Source |", "|---|---|---|"]
    for generic, aliases in SYNONYMS.items():
        also = f" (also: {', '.join(aliases)})" if aliases else ""
        lines.append(f"| {generic} | the drug{also} | {NAMES_SOURCE} |")
    regimens: dict[tuple, list[str]] = {}
    for name, members in REGIMENS.items():
        regimens.setdefault((members, REGIMEN_SOURCES[name]), []).append(name)
    for (members, source), names in regimens.items():
        lines.append(f"| {', '.join(names)} | {' + '.join(members)} | {source} |")
    for name, meaning in AMBIGUOUS.items():
        lines.append(f"| {name} | nothing: ambiguous ({meaning}); the drugs are asked for | {AMBIGUOUS_SOURCE} |")
    return "\n".join(lines) + "\n"


def named(drugs) -> str:
    """A stable, readable list: "capecitabine, fluorouracil"."""
    return ", ".join(sorted(drugs))
