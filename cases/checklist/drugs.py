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
    # endocrine therapy
    "tamoxifen": ("Nolvadex", "Soltamox"),
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

# regimen acronym → its drugs
REGIMENS: dict[str, tuple[str, ...]] = {}


def _regimen(names: tuple[str, ...], drugs: tuple[str, ...]) -> None:
    for name in names:
        REGIMENS[name] = drugs


_regimen(
    ("FOLFOX", "FOLFOX4", "FOLFOX6", "FOLFOX7", "mFOLFOX", "mFOLFOX6", "mFOLFOX7"),
    ("fluorouracil", "leucovorin", "oxaliplatin"),
)
_regimen(("FOLFIRI", "mFOLFIRI"), ("fluorouracil", "leucovorin", "irinotecan"))
_regimen(
    ("FOLFIRINOX", "mFOLFIRINOX", "FOLFOXIRI", "NALIRIFOX"),
    ("fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"),
)
_regimen(("CAPOX", "XELOX", "CAPEOX"), ("capecitabine", "oxaliplatin"))
_regimen(("CAPIRI", "XELIRI"), ("capecitabine", "irinotecan"))
_regimen(("FLOT",), ("fluorouracil", "leucovorin", "oxaliplatin", "docetaxel"))
_regimen(("de Gramont", "LV5FU2", "5-FU/LV"), ("fluorouracil", "leucovorin"))
_regimen(("AC", "ddAC"), ("doxorubicin", "cyclophosphamide"))
_regimen(("EC",), ("epirubicin", "cyclophosphamide"))
_regimen(("AC-T", "ddAC-T", "AC-P", "ddAC-P", "ACT"), ("doxorubicin", "cyclophosphamide", "paclitaxel"))
_regimen(("AC-TH", "ddAC-TH"), ("doxorubicin", "cyclophosphamide", "paclitaxel", "trastuzumab"))
_regimen(
    ("AC-THP", "ddAC-THP"),
    ("doxorubicin", "cyclophosphamide", "paclitaxel", "trastuzumab", "pertuzumab"),
)
_regimen(("FEC", "CEF"), ("fluorouracil", "epirubicin", "cyclophosphamide"))
_regimen(("FEC-D", "FEC-T"), ("fluorouracil", "epirubicin", "cyclophosphamide", "docetaxel"))
_regimen(("TAC",), ("docetaxel", "doxorubicin", "cyclophosphamide"))
_regimen(("TCyclo", "docetaxel-cyclophosphamide"), ("docetaxel", "cyclophosphamide"))
_regimen(("TCH",), ("docetaxel", "carboplatin", "trastuzumab"))
_regimen(("TCHP",), ("docetaxel", "carboplatin", "trastuzumab", "pertuzumab"))
_regimen(("THP",), ("docetaxel", "trastuzumab", "pertuzumab"))
_regimen(("TH", "APT"), ("paclitaxel", "trastuzumab"))
_regimen(("Phesgo",), ("trastuzumab", "pertuzumab"))
_regimen(("CMF",), ("cyclophosphamide", "methotrexate", "fluorouracil"))
_regimen(("carbotaxol", "carbotax", "CarboPac"), ("carboplatin", "paclitaxel"))
_regimen(("GemCis", "CisGem", "gem cis", "cis gem"), ("gemcitabine", "cisplatin"))
_regimen(("GemCarbo",), ("gemcitabine", "carboplatin"))
_regimen(("EP",), ("etoposide", "cisplatin"))
_regimen(("BEP",), ("bleomycin", "etoposide", "cisplatin"))
_regimen(("ABVD",), ("doxorubicin", "bleomycin", "vinblastine", "dacarbazine"))
_regimen(("CHOP",), ("cyclophosphamide", "doxorubicin", "vincristine", "prednisone"))
_regimen(("R-CHOP",), ("rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"))
_regimen(("MVAC", "ddMVAC"), ("methotrexate", "vinblastine", "doxorubicin", "cisplatin"))

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


def named(drugs) -> str:
    """A stable, readable list: "capecitabine, fluorouracil"."""
    return ", ".join(sorted(drugs))
