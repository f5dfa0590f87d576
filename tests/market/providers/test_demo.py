"""The offline demo provider: deterministic, prefix-stable, realistic enough to exercise everything."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from kabu_trade.market.calendar import sessions_between
from kabu_trade.market.providers.base import (
    BAR_COLUMNS,
    DEMO_INDEX,
    FUNDAMENTAL_COLUMNS,
    INDEX_BAR_COLUMNS,
    INDEX_NAMES,
    MARKETS,
    PERIOD_TYPES,
    STOCK_COLUMNS,
)
from kabu_trade.market.providers.demo import DemoProvider
from kabu_trade.market.providers.demo_names import SECTORS

START = date(2022, 1, 4)
END = date(2023, 12, 29)  # long enough for the splits (offsets 260–380 sessions after START)
EVERYTHING = (date(2000, 1, 1), date(2100, 1, 1))

# The real TSE 33-sector classification, written out independently of the provider's table.
TSE_SECTORS = {
    "0050": "水産・農林業", "1050": "鉱業", "2050": "建設業", "3050": "食料品", "3100": "繊維製品",
    "3150": "パルプ・紙", "3200": "化学", "3250": "医薬品", "3300": "石油・石炭製品", "3350": "ゴム製品",
    "3400": "ガラス・土石製品", "3450": "鉄鋼", "3500": "非鉄金属", "3550": "金属製品", "3600": "機械",
    "3650": "電気機器", "3700": "輸送用機器", "3750": "精密機器", "3800": "その他製品",
    "4050": "電気・ガス業", "5050": "陸運業", "5100": "海運業", "5150": "空運業",
    "5200": "倉庫・運輸関連業", "5250": "情報・通信業", "6050": "卸売業", "6100": "小売業",
    "7050": "銀行業", "7100": "証券、商品先物取引業", "7150": "保険業", "7200": "その他金融業",
    "8050": "不動産業", "9050": "サービス業",
}  # fmt: skip


@pytest.fixture(scope="module")
def small() -> DemoProvider:
    return DemoProvider(symbols=40, start=START, end=END)


@pytest.fixture(scope="module")
def defaults() -> DemoProvider:
    return DemoProvider()


def _tick(price: float) -> float:
    """TSE tick for ordinary issues, restated here so the test does not trust the provider's table."""
    for limit, tick in ((3000, 1), (5000, 5), (30000, 10), (50000, 50), (300000, 100)):
        if price <= limit:
            return tick
    return 500


def _adjusted_close(bars: pd.DataFrame) -> pd.Series:
    """Raw close × product of the factors of all later dates, per code (bars sorted by code, date)."""
    later = bars.groupby("code")["adj_factor"].transform(
        lambda f: f[::-1].cumprod()[::-1].shift(-1).fillna(1)
    )
    return bars["close"] * later


# -- universe --------------------------------------------------------------------------------------


def test_defaults_meet_the_universe_claims(defaults: DemoProvider) -> None:
    assert (defaults.name, defaults.is_demo, defaults.fetches_by_date) == ("demo", True, False)
    stocks = defaults.list_stocks()
    assert len(stocks) >= 300
    assert dict(zip(stocks["sector_code"], stocks["sector_name"], strict=True)) == TSE_SECTORS
    shares = stocks["market"].value_counts(normalize=True)
    assert set(shares.index) == {"prime", "standard", "growth"}
    assert shares["prime"] == pytest.approx(0.5, abs=0.05)
    assert shares["standard"] == pytest.approx(0.3, abs=0.05)
    assert shares["growth"] == pytest.approx(0.2, abs=0.05)
    bars = defaults.fetch_daily_bars(*EVERYTHING, codes=[stocks["code"].iloc[0]])
    assert bars["date"].iloc[0] == START
    assert bars["date"].iloc[-1] - bars["date"].iloc[0] >= timedelta(days=3 * 365)


def test_names_and_codes_are_unique_and_well_formed(defaults: DemoProvider) -> None:
    stocks = defaults.list_stocks()
    for column in ("code", "name", "name_kana", "name_en"):
        assert stocks[column].is_unique, column
    assert stocks["code"].str.fullmatch(r"\d{4}|\d{3}[A-Z]").all()
    assert stocks["code"].str.fullmatch(r"\d{3}[A-Z]").sum() >= 1  # the new alphanumeric form
    assert stocks["name_kana"].str.fullmatch(r"[ァ-ヶー]+").all()
    assert stocks["name_en"].str.fullmatch(r"[A-Za-z&][A-Za-z& ]*").all()
    assert not stocks["name"].str.contains("デモ|demo|DEMO").any()  # the provider is marked, not names
    # Numeric codes sit in their sector's real code blocks (no spill-over at this size).
    blocks = {s.code: s.ranges for s in SECTORS}
    numeric = stocks[stocks["code"].str.isdigit()]
    for code, sector in zip(numeric["code"], numeric["sector_code"], strict=True):
        assert any(lo <= int(code) <= hi for lo, hi in blocks[sector]), (code, sector)


def test_frames_have_the_base_columns_in_order_and_types(small: DemoProvider) -> None:
    stocks = small.list_stocks()
    bars = small.fetch_daily_bars(*EVERYTHING)
    fundamentals = small.fetch_fundamentals(*EVERYTHING)
    assert list(stocks.columns) == STOCK_COLUMNS
    assert list(bars.columns) == BAR_COLUMNS
    assert list(fundamentals.columns) == FUNDAMENTAL_COLUMNS
    assert stocks["lot_size"].dtype == np.int64 and (stocks["lot_size"] == 100).all()
    assert stocks["market"].isin(MARKETS[:3]).all()
    assert fundamentals["period_type"].isin(PERIOD_TYPES).all()
    assert all(type(d) is date for d in bars["date"])
    assert all(type(d) is date for d in fundamentals["disclosed_date"])
    assert all(type(d) is date for d in fundamentals["period_end"])
    for column in BAR_COLUMNS[2:]:
        assert bars[column].dtype == np.float64, column
    for column in FUNDAMENTAL_COLUMNS[4:]:
        assert fundamentals[column].dtype == np.float64, column


# -- determinism -----------------------------------------------------------------------------------


def test_same_arguments_give_identical_frames(small: DemoProvider) -> None:
    again = DemoProvider(symbols=40, start=START, end=END)
    pd.testing.assert_frame_equal(small.list_stocks(), again.list_stocks(), check_exact=True)
    pd.testing.assert_frame_equal(
        small.fetch_daily_bars(*EVERYTHING), again.fetch_daily_bars(*EVERYTHING), check_exact=True
    )
    pd.testing.assert_frame_equal(
        small.fetch_fundamentals(*EVERYTHING), again.fetch_fundamentals(*EVERYTHING), check_exact=True
    )
    assert small.splits() == again.splits()
    other = DemoProvider(symbols=40, start=START, end=END, seed=7)
    assert not other.fetch_daily_bars(*EVERYTHING).equals(small.fetch_daily_bars(*EVERYTHING))


# Run in this process and in a fresh one (with another hash seed): the digests must agree.
_DIGEST = """
from datetime import date
import pandas as pd
from kabu_trade.market.providers.demo import DemoProvider
p = DemoProvider(symbols=40, start=date(2022, 1, 4), end=date(2023, 12, 29))
span = (date(2000, 1, 1), date(2100, 1, 1))
frames = (p.list_stocks(), p.fetch_daily_bars(*span), p.fetch_fundamentals(*span))
digest = ",".join(str(int(pd.util.hash_pandas_object(f.astype(str)).sum())) for f in frames)
"""


def test_frames_are_identical_in_another_process() -> None:
    here: dict[str, object] = {}
    exec(_DIGEST, here)
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run(
        [sys.executable, "-c", _DIGEST + "print(digest)"], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == here["digest"]


def test_a_later_end_only_appends() -> None:
    short = DemoProvider(symbols=40, start=START, end=date(2023, 6, 30))
    long = DemoProvider(symbols=40, start=START, end=date(2024, 12, 30))
    common = (date(2000, 1, 1), date(2023, 6, 30))
    pd.testing.assert_frame_equal(
        short.fetch_daily_bars(*common), long.fetch_daily_bars(*common), check_exact=True
    )
    pd.testing.assert_frame_equal(
        short.fetch_fundamentals(*common), long.fetch_fundamentals(*common), check_exact=True
    )
    assert short.splits() == long.splits()[: len(short.splits())]
    assert long.fetch_daily_bars(date(2023, 7, 1), date(2024, 12, 30))["date"].min() > common[1]


def _digest(frame: pd.DataFrame) -> str:
    """Every value of a frame: float columns by their bits, the others by their text."""
    digest = hashlib.sha256()
    for column in frame.columns:
        values = frame[column].to_numpy()
        if values.dtype.kind == "f":
            digest.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
        else:
            digest.update("\x1f".join(map(str, values)).encode())
    return digest.hexdigest()[:16]


def test_frames_are_those_recorded_before_prices_were_streamed(small: DemoProvider) -> None:
    # Recorded from the provider that generated the whole panel at once: generating it block by
    # block (to bound memory) must not change a single bit of what a database already holds.
    assert _digest(small.fetch_daily_bars(*EVERYTHING)) == "effb0fba0632e1ce"
    assert _digest(small.fetch_fundamentals(*EVERYTHING)) == "b89b230fd49d368c"


def test_any_order_of_requests_gives_the_same_frames(small: DemoProvider) -> None:
    sessions = sessions_between(START, END)
    chunks = [sessions[i : i + 50] for i in range(0, len(sessions), 50)]
    # Fundamentals first (the close path walked on its own), then bars backwards (each request
    # starts before the last block kept, so generation starts again from the first session).
    backwards = DemoProvider(symbols=40, start=START, end=END)
    fundamentals = backwards.fetch_fundamentals(*EVERYTHING)
    pieces = [backwards.fetch_daily_bars(c[0], c[-1]) for c in reversed(chunks)]
    bars = pd.concat(pieces).sort_values(["code", "date"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(bars, small.fetch_daily_bars(*EVERYTHING), check_exact=True)
    pd.testing.assert_frame_equal(fundamentals, small.fetch_fundamentals(*EVERYTHING), check_exact=True)
    # A range without disclosures is answered without prices, typed like any other answer.
    none = DemoProvider(symbols=40, start=START, end=END).fetch_fundamentals(
        date(2099, 1, 1), date(2099, 2, 1)
    )
    assert none.empty and (none.dtypes == fundamentals.dtypes).all()


# -- bars ------------------------------------------------------------------------------------------


def test_bars_cover_exactly_the_xtks_sessions(small: DemoProvider) -> None:
    bars = small.fetch_daily_bars(*EVERYTHING)
    sessions = sessions_between(START, END)
    assert date(2022, 1, 3) not in sessions and date(2023, 1, 9) not in sessions  # 正月, 成人の日
    for code, days in bars.groupby("code")["date"]:
        assert list(days) == sessions, code
    assert bars["code"].nunique() == 40


def test_ohlc_is_consistent_on_tick_and_volume_in_lots(small: DemoProvider) -> None:
    bars = small.fetch_daily_bars(*EVERYTHING)
    assert (bars["low"] <= bars[["open", "close"]].min(axis=1)).all()
    assert (bars["high"] >= bars[["open", "close"]].max(axis=1)).all()
    assert (bars["low"] > 0).all()
    for column in ("open", "high", "low", "close"):
        ticks = bars[column].map(_tick)
        assert (bars[column] % ticks == 0).all(), column
    assert ((bars["volume"] % 100 == 0) & (bars["volume"] >= 100)).all()
    assert (bars["turnover"] / (bars["close"] * bars["volume"])).between(0.8, 1.25).all()


def test_price_model_has_crashes_regimes_and_segment_volatility(defaults: DemoProvider) -> None:
    stocks = defaults.list_stocks().set_index("code")
    bars = defaults.fetch_daily_bars(*EVERYTHING)
    assert bars["close"].between(100, 20000).mean() > 0.99  # plausible price levels
    bars["ret"] = np.log(_adjusted_close(bars)).groupby(bars["code"]).diff()
    # Equal-weight index: at least two market-wide crashes, i.e. falls of over 11 % within two
    # weeks (ordinary noise and regimes alone stay above about −10 %), each partly recovered.
    index = bars.groupby("date")["ret"].mean().fillna(0)
    two_weeks = index.rolling(10).sum()
    crashes = np.flatnonzero((two_weeks < -0.12) & (two_weeks.shift(fill_value=0) >= -0.12))
    assert len(crashes) >= 2
    level = index.cumsum().to_numpy()
    for at in crashes[:2]:
        trough = level[at : at + 15].min()
        assert level[at + 15 : at + 80].max() > trough + 0.03
    vol = bars.groupby(bars["code"].map(stocks["market"]))["ret"].std()
    assert vol["growth"] > 1.3 * vol["prime"]
    by_sector = bars.groupby(bars["code"].map(stocks["sector_code"]))["ret"].std()
    assert by_sector.max() > 1.5 * by_sector.min()
    # Earnings reactions: the session after a disclosure moves more than the others.
    fundamentals = defaults.fetch_fundamentals(*EVERYTHING)
    days = sorted(set(bars["date"]))
    following = {day: days[i + 1] for i, day in enumerate(days[:-1])}
    reaction = set(zip(fundamentals["code"], fundamentals["disclosed_date"].map(following), strict=True))
    is_reaction = pd.Series([key in reaction for key in zip(bars["code"], bars["date"], strict=True)])
    assert bars["ret"][is_reaction].abs().mean() > 1.5 * bars["ret"][~is_reaction].abs().mean()


def test_splits_change_raw_prices_factor_volume_and_per_share_figures(small: DemoProvider) -> None:
    splits = small.splits()
    assert 2 <= len(splits) <= 4
    assert {s.ratio for s in splits} <= {2, 3, 5} and len({s.ratio for s in splits}) >= 2
    bars = small.fetch_daily_bars(*EVERYTHING)
    split_days = {(s.code, s.ex_date): s.ratio for s in splits}
    is_ex = pd.Series([key in split_days for key in zip(bars["code"], bars["date"], strict=True)])
    assert (bars.loc[~is_ex, "adj_factor"] == 1.0).all()
    fundamentals = small.fetch_fundamentals(*EVERYTHING)
    for split in splits:
        one = bars[bars["code"] == split.code].reset_index(drop=True)
        at = int(one.index[one["date"] == split.ex_date][0])
        assert one.loc[at, "adj_factor"] == pytest.approx(1 / split.ratio)
        raw_move = float(one["close"].iloc[at]) / float(one["close"].iloc[at - 1])
        assert raw_move == pytest.approx(1 / split.ratio, rel=0.15)
        before, after = one["volume"][at - 40 : at].median(), one["volume"][at + 1 : at + 41].median()
        assert 0.4 * split.ratio < after / before < 2.5 * split.ratio
        adjusted = np.log(_adjusted_close(one)).diff().abs()
        assert adjusted[at] < 0.12  # continuous: the split leaves no jump in the adjusted series
        assert adjusted.max() < 0.3
        disclosed = fundamentals[fundamentals["code"] == split.code]
        pre = disclosed[disclosed["disclosed_date"] < split.ex_date].iloc[-1]
        post = disclosed[disclosed["disclosed_date"] >= split.ex_date].iloc[0]
        assert post["shares_outstanding"] == pre["shares_outstanding"] * split.ratio
        assert post["bps"] * split.ratio == pytest.approx(pre["bps"], rel=0.1)


# -- fundamentals ----------------------------------------------------------------------------------


def test_fundamentals_are_point_in_time(small: DemoProvider) -> None:
    window = (date(2022, 6, 1), date(2023, 3, 31))
    fundamentals = small.fetch_fundamentals(*window)
    assert fundamentals["disclosed_date"].between(*window).all()
    everything = small.fetch_fundamentals(*EVERYTHING)
    assert everything["disclosed_date"].min() < START  # a year of history before the first bar
    assert everything["disclosed_date"].max() <= END
    sessions = set(sessions_between(START - timedelta(days=400), END))
    lag = everything["disclosed_date"] - everything["period_end"]
    assert lag.map(lambda d: d.days).between(35, 55).all()
    assert everything["disclosed_date"].isin(sessions).all()
    assert everything.groupby("code")["period_end"].is_monotonic_increasing.all()
    assert set(everything["period_end"].map(lambda d: (d.month, d.day))) <= {
        (3, 31),
        (6, 30),
        (9, 30),
        (12, 31),
    }


def test_fundamentals_accumulate_within_the_fiscal_year(small: DemoProvider) -> None:
    frame = small.fetch_fundamentals(*EVERYTHING)
    dps_periods = set(frame.loc[frame["dps"].notna(), "period_type"])
    assert dps_periods == {"2Q", "FY"}
    for _, disclosures in frame.groupby("code"):
        rows = disclosures.reset_index(drop=True)
        for i in range(1, len(rows)):
            order = PERIOD_TYPES.index(rows.loc[i, "period_type"])
            if order > 0:  # same fiscal year as the previous row: cumulative sales only grow
                assert PERIOD_TYPES.index(rows.loc[i - 1, "period_type"]) == order - 1
                assert float(rows["sales"].iloc[i]) > float(rows["sales"].iloc[i - 1])
    # EPS from the unrounded profit: within the rounding of net income to millions of yen.
    gap = (frame["eps"] - frame["net_income"] / frame["shares_outstanding"]).abs()
    assert (gap <= 0.5e6 / frame["shares_outstanding"] + 0.01).all()
    assert (frame["total_assets"] >= frame["equity"]).all()


def test_fundamentals_are_plausible(defaults: DemoProvider) -> None:
    frame = defaults.fetch_fundamentals(*EVERYTHING)
    bars = defaults.fetch_daily_bars(*EVERYTHING)[["code", "date", "close"]]
    known = frame.merge(bars, left_on=["code", "disclosed_date"], right_on=["code", "date"])
    full_year = known[known["period_type"] == "FY"]
    per = (full_year["close"] / full_year["eps"])[full_year["eps"] > 0]
    assert per.between(8, 40).mean() > 0.75
    pbr = known["close"] / known["bps"]
    assert pbr.between(0.5, 5).mean() > 0.85
    losses = (full_year["eps"] < 0).mean()
    assert 0.01 < losses < 0.2
    latest = known.groupby("code").tail(1)
    dividend_yield = latest["forecast_dps"] / latest["close"]
    assert (dividend_yield >= 0.04).sum() >= 3
    assert (latest["forecast_dps"] == 0).sum() >= 10  # Growth names mostly pay nothing
    assert set(full_year["period_end"].map(lambda d: d.month)) == {3, 12}  # March and December years


# -- slicing ---------------------------------------------------------------------------------------


def test_codes_and_dates_filter(small: DemoProvider) -> None:
    first, second = small.list_stocks()["code"].iloc[[3, 7]]
    bars = small.fetch_daily_bars(date(2022, 3, 1), date(2022, 3, 31), codes=[second, "0000", first])
    assert set(bars["code"]) == {first, second}
    assert bars["date"].between(date(2022, 3, 1), date(2022, 3, 31)).all()
    assert len(bars) == 2 * len(sessions_between(date(2022, 3, 1), date(2022, 3, 31)))
    assert set(small.fetch_fundamentals(*EVERYTHING, codes=[first])["code"]) == {first}
    empty = small.fetch_daily_bars(*EVERYTHING, codes=["0000"])
    assert empty.empty and list(empty.columns) == BAR_COLUMNS
    assert small.fetch_daily_bars(date(2023, 5, 1), date(2023, 4, 1)).empty
    assert small.fetch_fundamentals(*EVERYTHING, codes=[]).empty


def test_returned_frames_are_copies(small: DemoProvider) -> None:
    stocks = small.list_stocks()
    stocks.loc[0, "name"] = "changed"
    assert small.list_stocks().loc[0, "name"] != "changed"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"symbols": 5}, "symbols"), ({"start": date(2024, 1, 4), "end": date(2023, 1, 4)}, "before start")],
)
def test_invalid_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        DemoProvider(**kwargs)  # type: ignore[arg-type]


# --- the demo market index --------------------------------------------------------------------


def test_the_index_covers_every_session_and_is_named_as_the_demos(small: DemoProvider) -> None:
    index = small.fetch_index_bars(date(2000, 1, 1), date(2030, 1, 1))
    assert list(index.columns) == INDEX_BAR_COLUMNS
    assert set(index["code"]) == {DEMO_INDEX} and INDEX_NAMES[DEMO_INDEX] == "TOPIX (demo)"
    assert list(index["date"]) == sessions_between(START, END)
    assert (index["low"] <= index[["open", "close"]].min(axis=1)).all()
    assert (index["high"] >= index[["open", "close"]].max(axis=1)).all()
    assert index["close"].between(500, 8000).all()  # a TOPIX-like level, not a stock price
    assert small.fetch_index_bars(date(2023, 12, 30), date(2023, 12, 31)).empty  # no session


def test_the_index_is_deterministic_and_a_later_end_only_appends() -> None:
    short = DemoProvider(symbols=40, start=START, end=date(2023, 6, 30))
    long = DemoProvider(symbols=40, start=START, end=date(2024, 12, 30))
    common = (START, date(2023, 6, 30))
    pd.testing.assert_frame_equal(
        short.fetch_index_bars(*common), long.fetch_index_bars(*common), check_exact=True
    )
    again = DemoProvider(symbols=40, start=START, end=date(2024, 12, 30))
    pd.testing.assert_frame_equal(
        long.fetch_index_bars(START, date(2024, 12, 30)),
        again.fetch_index_bars(START, date(2024, 12, 30)),
        check_exact=True,
    )
    # Any window is the same rows as the whole series cut to it.
    whole = long.fetch_index_bars(START, date(2024, 12, 30)).set_index("date")
    window = long.fetch_index_bars(date(2024, 3, 1), date(2024, 3, 31)).set_index("date")
    pd.testing.assert_frame_equal(window, whole.loc[window.index], check_exact=True)
    assert (
        DemoProvider(symbols=40, start=START, end=END, seed=7)
        .fetch_index_bars(*common)["close"]
        .ne(short.fetch_index_bars(*common)["close"])
        .any()
    )


def test_the_index_moves_with_the_demo_market(small: DemoProvider) -> None:
    bars = small.fetch_daily_bars(START, END)
    # Each stock's daily change on a split-free basis, then the equal-weight average per session.
    bars = bars.sort_values(["code", "date"])
    previous = bars.groupby("code")["close"].shift() * bars["adj_factor"]
    universe = (bars["close"] / previous - 1).groupby(bars["date"]).mean().dropna()
    index = small.fetch_index_bars(START, END).set_index("date")["close"].pct_change().dropna()
    correlation = np.corrcoef(universe.loc[index.index], index)[0, 1]
    assert correlation > 0.7, correlation
