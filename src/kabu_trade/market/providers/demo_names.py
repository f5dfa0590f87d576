"""Static tables for the offline demo universe (the 33 TSE sectors, word parts of names) and the
helpers that turn them into a listing: companies per sector, unique names, sector-style codes.

Kept apart from the price generator so that ``demo.py`` stays readable. Everything here is
fictional except the sector codes and names, which are the real TSE 33-sector classification
(東証33業種) so that sector filters and screens behave as they would on real data.

A company name is ``prefix + sector suffix`` (「東都」+「精工」→「東都精工」, トウトセイコウ, "Toto Seiko");
prefixes are place- and nature-flavoured words chosen to avoid the big real groups (三菱, 住友,
野村 …). Suffixes are unique across sectors, so a name never appears in two sectors.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

#: (kanji/kana, katakana reading, English)
Word = tuple[str, str, str]


class Sector(NamedTuple):
    """One TSE sector and the economics the demo gives its companies.

    ``weight`` is roughly the number of listed companies in the sector (it sets the share of the
    demo universe); ``ranges`` are the code blocks real companies of the sector mostly use.
    Economics: ``beta`` to the market factor, ``vol`` multiplier of sector and idiosyncratic noise,
    typical operating margin, PER and PBR, equity ratio, dividend payout, affinity to the Growth and
    Prime segments (0–1) and the share of companies with a December fiscal year end.
    """

    code: str
    name: str
    weight: int
    ranges: tuple[tuple[int, int], ...]
    suffixes: tuple[Word, ...]
    beta: float
    vol: float
    op_margin: float
    per: float
    pbr: float
    equity_ratio: float
    payout: float
    growth_aff: float
    prime_aff: float
    dec_fy: float


def _words(spec: str) -> tuple[Word, ...]:
    """``"水産,スイサン,Suisan; 漁業,…"`` → ((kanji, kana, English), …): keeps the table narrow."""
    words = [tuple(part.strip() for part in item.split(",")) for item in spec.split(";")]
    return tuple((w[0], w[1], w[2]) for w in words)


# fmt: off
SECTORS: tuple[Sector, ...] = (
    Sector("0050", "水産・農林業", 12, ((1300, 1399),),
           _words("水産,スイサン,Suisan; 漁業,ギョギョウ,Fishing; 農産,ノウサン,Farm Products; "
                  "アグリ,アグリ,Agri"),
           0.7, 0.9, 0.03, 12, 0.9, 0.35, 0.25, 0.1, 0.5, 0.1),
    Sector("1050", "鉱業", 6, ((1500, 1699),),
           _words("鉱業,コウギョウ,Mining; 資源,シゲン,Resources; 石灰,セッカイ,Lime; 鉱山,コウザン,Mines"),
           1.1, 1.4, 0.25, 8, 0.7, 0.6, 0.35, 0.0, 0.7, 0.5),
    Sector("2050", "建設業", 160, ((1700, 1999),),
           _words("建設,ケンセツ,Construction; 工務店,コウムテン,Builders; 組,グミ,Gumi; "
                  "ハウス,ハウス,House; 土木,ドボク,Civil Engineering; 建工,ケンコウ,Kenko"),
           0.9, 0.9, 0.05, 11, 0.9, 0.45, 0.35, 0.1, 0.5, 0.05),
    Sector("3050", "食料品", 125, ((2000, 2099), (2200, 2299), (2500, 2599), (2800, 2999)),
           _words("フーズ,フーズ,Foods; 食品,ショクヒン,Shokuhin; 製菓,セイカ,Confectionery; "
                  "乳業,ニュウギョウ,Dairy; 酒造,シュゾウ,Brewery; 製粉,セイフン,Flour Milling"),
           0.6, 0.7, 0.06, 20, 1.5, 0.55, 0.35, 0.15, 0.55, 0.3),
    Sector("3100", "繊維製品", 50, ((3100, 3199), (3400, 3599)),
           _words("紡績,ボウセキ,Spinning; 織物,オリモノ,Textiles; 繊維,センイ,Fibers; "
                  "アパレル,アパレル,Apparel; 染工,センコウ,Dyeing"),
           0.9, 0.9, 0.05, 14, 0.8, 0.5, 0.3, 0.1, 0.45, 0.1),
    Sector("3150", "パルプ・紙", 25, ((3860, 3899),),
           _words("製紙,セイシ,Paper; 紙業,シギョウ,Paper Industries; パルプ,パルプ,Pulp; "
                  "紙工,シコウ,Paper Converting"),
           0.9, 0.9, 0.04, 12, 0.6, 0.35, 0.3, 0.0, 0.5, 0.05),
    Sector("3200", "化学", 210, ((4000, 4299), (4600, 4699), (4900, 4999)),
           _words("化学,カガク,Chemical; 化成,カセイ,Kasei; 合成,ゴウセイ,Synthetics; "
                  "ケミカル,ケミカル,Chemicals; 塗料,トリョウ,Paint; 化粧品,ケショウヒン,Cosmetics"),
           1.0, 1.0, 0.09, 14, 1.1, 0.55, 0.3, 0.15, 0.6, 0.2),
    Sector("3250", "医薬品", 75, ((4500, 4599),),
           _words("製薬,セイヤク,Pharmaceutical; 薬品,ヤクヒン,Yakuhin; ファーマ,ファーマ,Pharma; "
                  "バイオ,バイオ,Bio; 創薬,ソウヤク,Drug Discovery"),
           0.7, 1.1, 0.15, 22, 2.0, 0.65, 0.4, 0.5, 0.6, 0.3),
    Sector("3300", "石油・石炭製品", 10, ((5000, 5099),),
           _words("石油,セキユ,Oil; 興産,コウサン,Kosan; 潤滑油,ジュンカツユ,Lubricants; "
                  "コークス,コークス,Coke"),
           1.1, 1.3, 0.04, 7, 0.6, 0.3, 0.3, 0.0, 0.8, 0.1),
    Sector("3350", "ゴム製品", 20, ((5100, 5199),),
           _words("ゴム,ゴム,Rubber; タイヤ,タイヤ,Tire; ベルト,ベルト,Belting"),
           1.0, 1.0, 0.08, 12, 1.0, 0.55, 0.35, 0.0, 0.6, 0.4),
    Sector("3400", "ガラス・土石製品", 55, ((5200, 5399),),
           _words("硝子,ガラス,Glass; セメント,セメント,Cement; 窯業,ヨウギョウ,Ceramics; "
                  "碍子,ガイシ,Insulators; 陶器,トウキ,Pottery"),
           1.0, 1.0, 0.08, 13, 0.9, 0.55, 0.3, 0.05, 0.55, 0.1),
    Sector("3450", "鉄鋼", 45, ((5400, 5699),),
           _words("製鉄,セイテツ,Iron; 特殊鋼,トクシュコウ,Special Steel; 鋼管,コウカン,Steel Pipe; "
                  "鉄工,テッコウ,Tekko; スチール,スチール,Steel"),
           1.3, 1.3, 0.06, 7, 0.6, 0.45, 0.3, 0.0, 0.55, 0.05),
    Sector("3500", "非鉄金属", 35, ((5700, 5899),),
           _words("電線,デンセン,Cable; 伸銅,シンドウ,Copper Products; 軽金属,ケイキンゾク,Light Metal; "
                  "アルミ,アルミ,Aluminium; 精錬,セイレン,Smelting"),
           1.2, 1.3, 0.06, 10, 0.9, 0.45, 0.3, 0.05, 0.6, 0.05),
    Sector("3550", "金属製品", 90, ((5900, 5999),),
           _words("金属,キンゾク,Metal; 製作所,セイサクショ,Seisakusho; 工具,コウグ,Tools; "
                  "ボルト,ボルト,Bolt; 製缶,セイカン,Can"),
           1.0, 0.9, 0.06, 12, 0.8, 0.5, 0.3, 0.05, 0.45, 0.1),
    Sector("3600", "機械", 230, ((6000, 6499),),
           _words("機械,キカイ,Kikai; 重工,ジュウコウ,Heavy Industries; 工機,コウキ,Koki; 精機,セイキ,Seiki; "
                  "ポンプ,ポンプ,Pump; マシナリー,マシナリー,Machinery"),
           1.2, 1.1, 0.09, 16, 1.3, 0.55, 0.3, 0.15, 0.55, 0.15),
    Sector("3650", "電気機器", 240, ((6500, 6999),),
           _words("電機,デンキ,Electric; 電子,デンシ,Electronics; 電工,デンコウ,Denko; 無線,ムセン,Radio; "
                  "半導体,ハンドウタイ,Semiconductor; デバイス,デバイス,Devices"),
           1.2, 1.2, 0.09, 20, 1.8, 0.55, 0.3, 0.25, 0.55, 0.15),
    Sector("3700", "輸送用機器", 90, ((7000, 7299),),
           _words("自動車,ジドウシャ,Motor; モーターズ,モーターズ,Motors; 車体,シャタイ,Auto Body; "
                  "造船,ゾウセン,Shipbuilding; 発動機,ハツドウキ,Engine"),
           1.2, 1.1, 0.06, 10, 0.8, 0.45, 0.3, 0.05, 0.6, 0.05),
    Sector("3750", "精密機器", 50, ((7700, 7799),),
           _words("精工,セイコウ,Seiko; 光学,コウガク,Optical; 計器,ケイキ,Instruments; "
                  "メディカル,メディカル,Medical; 精密,セイミツ,Precision"),
           1.1, 1.1, 0.12, 22, 2.2, 0.6, 0.3, 0.3, 0.55, 0.2),
    Sector("3800", "その他製品", 110, ((7800, 7999),),
           _words("楽器,ガッキ,Musical Instruments; 印刷,インサツ,Printing; 玩具,ガング,Toys; "
                  "家具,カグ,Furniture; 文具,ブング,Stationery; スポーツ,スポーツ,Sports"),
           0.9, 1.0, 0.08, 16, 1.2, 0.6, 0.35, 0.25, 0.4, 0.2),
    Sector("4050", "電気・ガス業", 25, ((9500, 9599),),
           _words("電力,デンリョク,Electric Power; ガス,ガス,Gas; エナジー,エナジー,Energy; "
                  "パワー,パワー,Power"),
           0.6, 0.8, 0.04, 10, 0.6, 0.22, 0.3, 0.05, 0.8, 0.05),
    Sector("5050", "陸運業", 65, ((9000, 9099),),
           _words("鉄道,テツドウ,Railway; 電鉄,デンテツ,Electric Railway; 運輸,ウンユ,Transport; "
                  "交通,コウツウ,Kotsu; バス,バス,Bus"),
           0.7, 0.8, 0.08, 15, 1.1, 0.35, 0.3, 0.05, 0.6, 0.05),
    Sector("5100", "海運業", 12, ((9100, 9199),),
           _words("海運,カイウン,Kaiun; 汽船,キセン,Kisen; 商船,ショウセン,Lines; マリン,マリン,Marine"),
           1.4, 1.6, 0.15, 7, 0.8, 0.5, 0.3, 0.0, 0.7, 0.05),
    Sector("5150", "空運業", 5, ((9200, 9299),),
           _words("航空,コウクウ,Airways; エア,エア,Air; 空輸,クウユ,Air Cargo; "
                  "ヘリコプター,ヘリコプター,Helicopter"),
           1.0, 1.2, 0.06, 18, 1.2, 0.3, 0.2, 0.0, 0.8, 0.05),
    Sector("5200", "倉庫・運輸関連業", 40, ((9300, 9399),),
           _words("倉庫,ソウコ,Warehouse; 物流,ブツリュウ,Logistics; 港運,コウウン,Port Services; "
                  "冷蔵,レイゾウ,Cold Storage"),
           0.8, 0.9, 0.06, 12, 0.8, 0.5, 0.3, 0.1, 0.5, 0.1),
    Sector("5250", "情報・通信業", 600, ((9400, 9499), (3600, 3799), (4300, 4399), (4700, 4799)),
           _words("システム,システム,Systems; ソフト,ソフト,Soft; ネット,ネット,Net; "
                  "テレコム,テレコム,Telecom; ソリューションズ,ソリューションズ,Solutions; "
                  "放送,ホウソウ,Broadcasting; ゲームス,ゲームス,Games; デジタル,デジタル,Digital"),
           1.0, 1.3, 0.12, 25, 3.0, 0.55, 0.3, 0.75, 0.4, 0.35),
    Sector("6050", "卸売業", 300, ((8000, 8199), (2700, 2749)),
           _words("商事,ショウジ,Shoji; 物産,ブッサン,Bussan; 通商,ツウショウ,Tsusho; "
                  "産業,サンギョウ,Sangyo; 商会,ショウカイ,Shokai; トレーディング,トレーディング,Trading"),
           0.9, 0.9, 0.03, 10, 0.9, 0.4, 0.35, 0.2, 0.45, 0.1),
    Sector("6100", "小売業", 350, ((8200, 8299), (9800, 9999), (2750, 2799), (3000, 3099)),
           _words("ストア,ストア,Stores; 百貨店,ヒャッカテン,Department Store; ドラッグ,ドラッグ,Drug; "
                  "マート,マート,Mart; 商店,ショウテン,Shoten; 薬局,ヤッキョク,Pharmacy"),
           0.7, 0.9, 0.04, 20, 1.8, 0.45, 0.3, 0.45, 0.45, 0.25),
    Sector("7050", "銀行業", 80, ((8300, 8399), (7150, 7199)),
           _words("銀行,ギンコウ,Bank; フィナンシャルグループ,フィナンシャルグループ,Financial Group"),
           1.0, 1.1, 0.25, 9, 0.5, 0.05, 0.35, 0.0, 0.55, 0.0),
    Sector("7100", "証券、商品先物取引業", 40, ((8600, 8699),),
           _words("証券,ショウケン,Securities; 先物,サキモノ,Futures; "
                  "インベストメント,インベストメント,Investment"),
           1.4, 1.3, 0.2, 12, 0.8, 0.1, 0.5, 0.3, 0.45, 0.05),
    Sector("7150", "保険業", 15, ((8700, 8799),),
           _words("生命,セイメイ,Life; 損保,ソンポ,Sonpo; 海上火災,カイジョウカサイ,Marine & Fire; "
                  "保険,ホケン,Insurance"),
           1.0, 1.0, 0.07, 12, 1.0, 0.08, 0.45, 0.3, 0.7, 0.1),
    Sector("7200", "その他金融業", 35, ((8400, 8599),),
           _words("リース,リース,Lease; クレジット,クレジット,Credit; ファイナンス,ファイナンス,Finance; "
                  "カード,カード,Card; 信販,シンパン,Shinpan; キャピタル,キャピタル,Capital"),
           1.1, 1.1, 0.15, 10, 1.0, 0.15, 0.35, 0.35, 0.5, 0.1),
    Sector("8050", "不動産業", 150, ((8800, 8999), (3200, 3299)),
           _words("不動産,フドウサン,Real Estate; 地所,ジショ,Jisho; 土地,トチ,Land; "
                  "住販,ジュウハン,Home Sales; レジデンス,レジデンス,Residence; 建物,タテモノ,Tatemono"),
           1.0, 1.1, 0.15, 11, 1.1, 0.3, 0.3, 0.55, 0.4, 0.3),
    Sector("9050", "サービス業", 550, ((9600, 9799), (2100, 2199), (2400, 2499)),
           _words("サービス,サービス,Services; スタッフ,スタッフ,Staff; "
                  "コンサルティング,コンサルティング,Consulting; ケア,ケア,Care; "
                  "警備保障,ケイビホショウ,Security; 企画,キカク,Kikaku; ホテル,ホテル,Hotels; "
                  "教育,キョウイク,Education"),
           0.9, 1.2, 0.1, 24, 3.0, 0.5, 0.3, 0.7, 0.35, 0.35),
)
# fmt: on

PREFIXES: tuple[Word, ...] = (
    ("東都", "トウト", "Toto"),
    ("みなと", "ミナト", "Minato"),
    ("北斗", "ホクト", "Hokuto"),
    ("青葉", "アオバ", "Aoba"),
    ("若葉", "ワカバ", "Wakaba"),
    ("白鷺", "シラサギ", "Shirasagi"),
    ("翠嶺", "スイレイ", "Suirei"),
    ("紫雲", "シウン", "Shiun"),
    ("暁", "アカツキ", "Akatsuki"),
    ("銀河", "ギンガ", "Ginga"),
    ("曙", "アケボノ", "Akebono"),
    ("千歳", "チトセ", "Chitose"),
    ("常盤", "トキワ", "Tokiwa"),
    ("朱雀", "スザク", "Suzaku"),
    ("玄武", "ゲンブ", "Genbu"),
    ("青嵐", "セイラン", "Seiran"),
    ("鳳凰", "ホウオウ", "Houou"),
    ("天城", "アマギ", "Amagi"),
    ("穂高", "ホタカ", "Hotaka"),
    ("八雲", "ヤクモ", "Yakumo"),
    ("葵", "アオイ", "Aoi"),
    ("椿", "ツバキ", "Tsubaki"),
    ("楓", "カエデ", "Kaede"),
    ("柊", "ヒイラギ", "Hiiragi"),
    ("翡翠", "ヒスイ", "Hisui"),
    ("琥珀", "コハク", "Kohaku"),
    ("瑠璃", "ルリ", "Ruri"),
    ("錦", "ニシキ", "Nishiki"),
    ("弥生", "ヤヨイ", "Yayoi"),
    ("皐月", "サツキ", "Satsuki"),
    ("かがやき", "カガヤキ", "Kagayaki"),
    ("さくら", "サクラ", "Sakura"),
    ("ひばり", "ヒバリ", "Hibari"),
    ("つばさ", "ツバサ", "Tsubasa"),
    ("あすなろ", "アスナロ", "Asunaro"),
    ("みずき", "ミズキ", "Mizuki"),
    ("ゆたか", "ユタカ", "Yutaka"),
    ("大峰", "オオミネ", "Omine"),
    ("白山", "ハクサン", "Hakusan"),
    ("赤城", "アカギ", "Akagi"),
    ("立山", "タテヤマ", "Tateyama"),
    ("浅間", "アサマ", "Asama"),
    ("瀬戸", "セト", "Seto"),
    ("日向", "ヒュウガ", "Hyuga"),
    ("出雲", "イズモ", "Izumo"),
    ("筑紫", "ツクシ", "Tsukushi"),
    ("陸奥", "ムツ", "Mutsu"),
    ("越後", "エチゴ", "Echigo"),
    ("信濃", "シナノ", "Shinano"),
    ("紀州", "キシュウ", "Kishu"),
    ("湘南", "ショウナン", "Shonan"),
    ("港北", "コウホク", "Kohoku"),
    ("西都", "サイト", "Saito"),
    ("東雲", "シノノメ", "Shinonome"),
    ("朝凪", "アサナギ", "Asanagi"),
    ("夕凪", "ユウナギ", "Yunagi"),
    ("星川", "ホシカワ", "Hoshikawa"),
    ("月島", "ツキシマ", "Tsukishima"),
    ("陽光", "ヨウコウ", "Yoko"),
    ("蒼穹", "ソウキュウ", "Sokyu"),
    ("大樹", "タイジュ", "Taiju"),
    ("明峰", "メイホウ", "Meiho"),
    ("光陵", "コウリョウ", "Koryo"),
    ("北辰", "ホクシン", "Hokushin"),
    ("瑞雲", "ズイウン", "Zuiun"),
    ("碧海", "ヘキカイ", "Hekikai"),
)

#: Used only when a sector runs out of ``prefix + suffix`` pairs (very large universes).
GROUP_FORMS: tuple[Word, ...] = (
    ("", "", ""),
    ("ホールディングス", "ホールディングス", " Holdings"),
    ("グループ", "グループ", " Group"),
)

#: Combinations that are (or read like) real listed companies: never generated.
AVOID = frozenset({"みなと銀行", "東都水産", "常盤薬品", "越後製菓", "紀州製紙", "赤城乳業", "白山製作所"})

#: Letters TSE uses in the new alphanumeric codes (no B, E, I, O, Q, V, Z: they look like digits).
CODE_LETTERS = "ACDFGHJKLMNPRSTUWXY"


def allocate(total: int) -> NDArray[np.int64]:
    """Companies per sector: one each, the rest by weight (largest remainder), all 33 from 33 up."""
    weights = np.array([s.weight for s in SECTORS], dtype=float)
    counts = np.zeros(len(SECTORS), dtype=np.int64)
    if total < len(SECTORS):
        counts[np.argsort(-weights, kind="stable")[:total]] = 1
        return counts
    counts += 1
    share = weights / weights.sum() * (total - len(SECTORS))
    counts += np.floor(share).astype(np.int64)
    left = total - int(counts.sum())
    counts[np.argsort(-(share - np.floor(share)), kind="stable")[:left]] += 1
    return counts


def company_names(rng: np.random.Generator, counts: NDArray[np.int64]) -> list[tuple[str, str, str]]:
    """Unique (name, kana, English) per company, sector by sector; group forms only when needed."""
    used: set[str] = set(AVOID)
    out: list[tuple[str, str, str]] = []
    for sector, count in zip(SECTORS, counts, strict=True):
        pairs = [(p, s) for p in PREFIXES for s in sector.suffixes]
        order = rng.permutation(len(pairs))
        picked = 0
        for form in GROUP_FORMS:
            for i in order:
                if picked == count:
                    break
                (pj, pk, pe), (sj, sk, se) = pairs[i]
                name, kana, en = pj + sj + form[0], pk + sk + form[1], f"{pe} {se}{form[2]}"
                if not {name, kana, en} & used:
                    used.update((name, kana, en))
                    out.append((name, kana, en))
                    picked += 1
        if picked < count:
            raise ValueError(f"the demo word lists cannot name {count} companies in {sector.name}")
    return out


def stock_codes(rng: np.random.Generator, counts: NDArray[np.int64]) -> list[str]:
    """Numeric codes from each sector's real code blocks (spilling into free codes when full)."""
    taken: set[int] = set()
    out: list[str] = []
    for sector, count in zip(SECTORS, counts, strict=True):
        block = np.array([c for lo, hi in sector.ranges for c in range(lo, hi + 1) if c not in taken])
        chosen = [int(c) for c in rng.permutation(block)[:count]]
        if len(chosen) < count:
            free = np.array([c for c in range(1300, 10000) if c not in taken and c not in chosen])
            chosen += [int(c) for c in rng.permutation(free)[: count - len(chosen)]]
        taken.update(chosen)
        out += [f"{c:04d}" for c in chosen]
    return out


def listing(rng: np.random.Generator, symbols: int) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """The demo listing (STOCK_COLUMNS, sorted by code) and each row's index into ``SECTORS``."""
    counts = allocate(symbols)
    sector = np.repeat(np.arange(len(SECTORS)), counts)
    names = company_names(rng, counts)
    codes = stock_codes(rng, counts)
    aff = np.array([[s.growth_aff, s.prime_aff] for s in SECTORS])[sector]
    # Exact segment quotas (Growth 20 %, Prime 50 %, Standard the rest); which stock lands where
    # follows its sector's affinity plus noise: banks are rarely Growth, IT and services often.
    market = np.full(symbols, "standard", dtype=object)
    growth_score = aff[:, 0] + 0.45 * rng.random(symbols)
    prime_score = aff[:, 1] + 0.45 * rng.random(symbols)
    market[np.argsort(-growth_score, kind="stable")[: round(0.2 * symbols)]] = "growth"
    rest = np.flatnonzero(market != "growth")
    market[rest[np.argsort(-prime_score[rest], kind="stable")[: round(0.5 * symbols)]]] = "prime"
    # A few new-style alphanumeric codes (issued since 2024), given to recent Growth listings.
    n_alpha = max(1, round(0.025 * symbols))
    chosen = rng.choice(np.flatnonzero(market == "growth"), n_alpha, replace=False)
    numbers = rng.choice(np.arange(130, 600), n_alpha, replace=False)
    for k, (i, number) in enumerate(zip(chosen, numbers, strict=True)):
        codes[i] = f"{number}{CODE_LETTERS[(k * 7 + int(number)) % len(CODE_LETTERS)]}"
    frame = pd.DataFrame(
        {
            "code": codes,
            "name": [n[0] for n in names],
            "name_kana": [n[1] for n in names],
            "name_en": [n[2] for n in names],
            "sector_code": [SECTORS[s].code for s in sector],
            "sector_name": [SECTORS[s].name for s in sector],
            "market": list(market),
            "lot_size": np.full(symbols, 100, dtype=np.int64),
        }
    )
    order = np.argsort(np.array(codes), kind="stable")
    return frame.iloc[order].reset_index(drop=True), sector[order]
