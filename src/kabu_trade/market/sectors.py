"""The TSE sector classifications (東証33業種 and the TOPIX-17 series, 17業種) with their official
English names, keyed by the codes J-Quants serves (``S33``, ``S17``).

Stocks store the 33-sector code and Japanese name as their source gives them; the English name is
derived here when a stock is shown, so that every source (J-Quants, the demo, a CSV list with TSE
codes or names) gets it without storing a copy that could drift from the code.
Source: JPX's sector tables as published for J-Quants (jpx-jquants.com spec, eq-master
sector33code / sector17code) and JPX's 33→17 correspondence (fac_13_sector.pdf).
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple


class Sector33(NamedTuple):
    ja: str
    en: str
    sector17: str  # the TOPIX-17 sector this one belongs to


class Sector17(NamedTuple):
    ja: str
    en: str


# fmt: off
SECTORS_33: dict[str, Sector33] = {
    "0050": Sector33("水産・農林業", "Fishery, Agriculture & Forestry", "1"),
    "1050": Sector33("鉱業", "Mining", "2"),
    "2050": Sector33("建設業", "Construction", "3"),
    "3050": Sector33("食料品", "Foods", "1"),
    "3100": Sector33("繊維製品", "Textiles & Apparels", "4"),
    "3150": Sector33("パルプ・紙", "Pulp & Paper", "4"),
    "3200": Sector33("化学", "Chemicals", "4"),
    "3250": Sector33("医薬品", "Pharmaceutical", "5"),
    "3300": Sector33("石油・石炭製品", "Oil & Coal Products", "2"),
    "3350": Sector33("ゴム製品", "Rubber Products", "6"),
    "3400": Sector33("ガラス・土石製品", "Glass & Ceramics Products", "3"),
    "3450": Sector33("鉄鋼", "Iron & Steel", "7"),
    "3500": Sector33("非鉄金属", "Nonferrous Metals", "7"),
    "3550": Sector33("金属製品", "Metal Products", "3"),
    "3600": Sector33("機械", "Machinery", "8"),
    "3650": Sector33("電気機器", "Electric Appliances", "9"),
    "3700": Sector33("輸送用機器", "Transportation Equipment", "6"),
    "3750": Sector33("精密機器", "Precision Instruments", "9"),
    "3800": Sector33("その他製品", "Other Products", "10"),
    "4050": Sector33("電気・ガス業", "Electric Power & Gas", "11"),
    "5050": Sector33("陸運業", "Land Transportation", "12"),
    "5100": Sector33("海運業", "Marine Transportation", "12"),
    "5150": Sector33("空運業", "Air Transportation", "12"),
    "5200": Sector33("倉庫・運輸関連業", "Warehousing & Harbor Transportation Services", "12"),
    "5250": Sector33("情報・通信業", "Information & Communication", "10"),
    "6050": Sector33("卸売業", "Wholesale Trade", "13"),
    "6100": Sector33("小売業", "Retail Trade", "14"),
    "7050": Sector33("銀行業", "Banks", "15"),
    "7100": Sector33("証券、商品先物取引業", "Securities & Commodity Futures", "16"),
    "7150": Sector33("保険業", "Insurance", "16"),
    "7200": Sector33("その他金融業", "Other Financing Business", "16"),
    "8050": Sector33("不動産業", "Real Estate", "17"),
    "9050": Sector33("サービス業", "Services", "10"),
    "9999": Sector33("その他", "Other", "99"),  # ETFs, REITs and other non-equity listings
}

SECTORS_17: dict[str, Sector17] = {
    "1": Sector17("食品", "Foods"),
    "2": Sector17("エネルギー資源", "Energy Resources"),
    "3": Sector17("建設・資材", "Construction & Materials"),
    "4": Sector17("素材・化学", "Raw Materials & Chemicals"),
    "5": Sector17("医薬品", "Pharmaceutical"),
    "6": Sector17("自動車・輸送機", "Automobiles & Transportation Equipment"),
    "7": Sector17("鉄鋼・非鉄", "Steel & Nonferrous Metals"),
    "8": Sector17("機械", "Machinery"),
    "9": Sector17("電機・精密", "Electric Appliances & Precision Instruments"),
    "10": Sector17("情報通信・サービスその他", "IT & Services, Others"),
    "11": Sector17("電気・ガス", "Electric Power & Gas"),
    "12": Sector17("運輸・物流", "Transportation & Logistics"),
    "13": Sector17("商社・卸売", "Commercial & Wholesale Trade"),
    "14": Sector17("小売", "Retail Trade"),
    "15": Sector17("銀行", "Banks"),
    "16": Sector17("金融（除く銀行）", "Financials (ex Banks)"),
    "17": Sector17("不動産", "Real Estate"),
    "99": Sector17("その他", "Other"),
}
# fmt: on


def _folded(name: str) -> str:
    # J-Quants writes some names with half-width punctuation (石油･石炭製品, 証券､商品先物取引業);
    # NFKC makes them the full-width forms of the table.
    return unicodedata.normalize("NFKC", name).strip()


_CODE_BY_NAME = {_folded(sector.ja): code for code, sector in SECTORS_33.items()}


def sector33(code: str | None, name: str | None = None) -> Sector33 | None:
    """The 33-sector of a stock by its code, or by its Japanese name when the code is missing or
    not a TSE one (a CSV list may carry only the name)."""
    if code and (found := SECTORS_33.get(code.strip())):
        return found
    by_name = _CODE_BY_NAME.get(_folded(name)) if name else None
    return SECTORS_33[by_name] if by_name else None


def sector_en(code: str | None, name: str | None = None) -> str | None:
    """The official English name of a stock's 33-sector; None when it is not a TSE sector."""
    found = sector33(code, name)
    return found.en if found else None


def sector17(code: str | None, name: str | None = None) -> Sector17 | None:
    """The TOPIX-17 sector that a 33-sector (by code or Japanese name) belongs to."""
    found = sector33(code, name)
    return SECTORS_17[found.sector17] if found else None
