"""The panel and the policy decisions: point in time, one share basis per session, warm-up, and
no look-ahead (the data truncated at a date gives the same decisions up to it)."""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import pytest

from kabu_trade.analysis.indicators import technical_metrics
from kabu_trade.analysis.panel_metrics import AnalysisMetrics
from kabu_trade.analysis.scoring import score
from kabu_trade.engine.backtest import ExitReason
from kabu_trade.engine.decisions import RECOMMENDATION_RANK, PolicyTerms, decide, judge_panel
from kabu_trade.engine.panel import Bars, bars_from_long, build_panel, split_events
from kabu_trade.market.providers.base import FUNDAMENTAL_COLUMNS
from kabu_trade.market.providers.demo import DemoProvider
from kabu_trade.policies.panel_judge import PolicyJudge
from kabu_trade.policies.presets import PRESETS
from kabu_trade.policies.rules import evaluate_rules, match_score, parse_rules, qualifies

START, END = date(2021, 1, 1), date(2023, 6, 30)


def _bars(closes: list[float] | np.ndarray, adj: np.ndarray | None = None, start: str = "2024-01-01") -> Bars:
    c = np.asarray(closes, dtype=float).reshape(-1, 1)
    dates = np.arange(np.datetime64(start), np.datetime64(start) + len(c))
    return Bars(dates, ("1001",), c, c * 1.01, c * 0.99, c, np.full(c.shape, 1000.0), None, adj)


def _disclosure(day: str, eps: float = 100.0, **values: float) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(FUNDAMENTAL_COLUMNS, np.nan)
    row.update(code="1001", disclosed_date=day, period_type="FY", period_end="2023-12-31", eps=eps, **values)
    return row


def test_a_disclosure_counts_from_the_session_after_its_date() -> None:
    bars = _bars(np.full(30, 1000.0))
    disclosures = pd.DataFrame([_disclosure("2024-01-11", eps=50.0, bps=2000.0)])
    panel = build_panel(bars, AnalysisMetrics(disclosures))
    day = int(np.flatnonzero(bars.dates == np.datetime64("2024-01-11"))[0])
    assert np.isnan(panel["eps"][: day + 1, 0]).all()  # not at its own date's close
    assert panel["eps"][day + 1, 0] == 50.0
    assert panel["per"][day + 1, 0] == pytest.approx(20.0)
    assert panel["pbr"][day + 1, 0] == pytest.approx(0.5)
    assert panel["days_since_disclosure"][day + 1 : day + 4, 0].tolist() == [1.0, 2.0, 3.0]


def test_prices_are_on_each_sessions_own_share_basis() -> None:
    # 1:2 split on session 40: raw prices halve, the company does not.
    raw = np.r_[np.full(40, 2000.0), np.full(40, 1000.0)]
    adj = np.ones((80, 1))
    adj[40] = 0.5
    disclosures = pd.DataFrame([_disclosure("2024-01-02", eps=100.0)])
    panel = build_panel(_bars(raw, adj), AnalysisMetrics(disclosures))
    assert panel["close"][:, 0].tolist() == raw.tolist()  # what was traded that day
    assert panel["sma_25"][39, 0] == pytest.approx(2000.0)
    assert panel["sma_25"][45, 0] == pytest.approx(1000.0)  # no crash across the split
    assert panel["eps"][39, 0] == pytest.approx(100.0)
    assert panel["eps"][45, 0] == pytest.approx(50.0)  # per share, on the new basis
    assert panel["per"][39, 0] == pytest.approx(panel["per"][45, 0])
    assert panel["volume"][39, 0] == pytest.approx(1000.0)


def test_warm_up_no_entry_before_a_required_indicator_exists() -> None:
    closes = 1000.0 * 1.002 ** np.arange(260)  # a steady rise: close > sma_200 once it exists
    panel = build_panel(_bars(closes), AnalysisMetrics(pd.DataFrame(columns=FUNDAMENTAL_COLUMNS)))
    policy = {
        "rules": [
            {"type": "compare_metrics", "metric": "close", "op": ">", "other": "sma_200", "required": True}
        ]
    }
    judgement = judge_panel(panel, PolicyJudge(policy))
    decided = decide(panel, judgement, PolicyTerms(min_match_score=0, min_recommendation="strong_sell"))
    entries = np.flatnonzero(decided.decisions.entry[:, 0])
    assert np.isnan(panel["sma_200"][198, 0]) and np.isfinite(panel["sma_200"][199, 0])
    assert entries.tolist() == list(range(199, 260))
    # Missing data before the warm-up is no failed rule: it never sells.
    assert not (decided.decisions.exit[:199] == ExitReason.RULE_FAILED).any()


def test_a_required_rule_that_fails_exits_with_the_rule_in_words() -> None:
    closes = np.r_[np.full(30, 1000.0), np.full(10, 800.0)]
    panel = build_panel(_bars(closes), AnalysisMetrics(pd.DataFrame(columns=FUNDAMENTAL_COLUMNS)))
    policy = {"rules": [{"type": "compare", "metric": "close", "op": ">=", "value": 900, "required": True}]}
    terms = PolicyTerms(min_match_score=0, min_recommendation="strong_sell", rule_texts=("終値900円以上",))
    decided = decide(panel, judge_panel(panel, PolicyJudge(policy)), terms)
    assert decided.decisions.exit[30, 0] == ExitReason.RULE_FAILED
    trade = {"symbol": "1001", "entry_session": 1, "exit_session": 31, "reason": "rule_failed"}
    assert decided.reason(trade, "ja") == "必須ルール不成立: 終値900円以上"
    # The policy has no target: the words say so rather than invent one.
    assert decided.reason({**trade, "reason": "target"}, "en") == "target reached (+- %)"


def test_policy_terms_from_a_policy() -> None:
    terms = PolicyTerms.of_policy(
        {"horizon": "short", "risk_tolerance": 5, "stop_loss_pct": 8, "target_return_pct": 15},
        min_match_score=70,
    )
    assert (terms.max_holding_sessions, terms.risk_per_trade, terms.min_match_score) == (20, 0.02, 70)
    exits = terms.exit_rules()
    assert terms.rule_texts == ()
    assert (exits.stop_loss_pct, exits.take_profit_pct, exits.trailing_stop_pct) == (8, 15, None)


# --- the demo universe -----------------------------------------------------------------------------


@cache
def _demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    provider = DemoProvider(symbols=12, start=START, end=END)
    return provider.fetch_daily_bars(START, END), provider.fetch_fundamentals(date(2019, 1, 1), END)


def _panel(cut: np.datetime64 | None = None):  # type: ignore[no-untyped-def]
    raw, disclosures = _demo()
    bars = bars_from_long(raw)
    if cut is not None:
        bars = bars.truncated(int(np.searchsorted(bars.dates, cut, side="right")))
    return build_panel(bars, AnalysisMetrics(disclosures))


def test_the_panels_last_row_is_the_stock_pages_metrics() -> None:
    raw, _ = _demo()
    panel = _panel()
    splits = set(split_events(bars_from_long(raw))["code"])
    code = next(c for c in panel.symbols if c not in splits)
    latest = technical_metrics(raw[raw["code"] == code].reset_index(drop=True))
    column = panel.symbols.index(code)
    for name, value in latest.items():
        if name in panel.columns:
            expected = np.nan if value is None else value
            assert panel[name][-1, column] == pytest.approx(expected, nan_ok=True, rel=1e-9), name


def test_no_look_ahead_truncated_data_gives_the_same_decisions() -> None:
    full = _panel()
    cuts = [full.dates[i] for i in (260, 330, 420, len(full.dates) - 40)]
    policies = [p.create("en").model_dump(mode="json") for p in PRESETS.values()]
    decided_full = [
        decide(full, judge_panel(full, PolicyJudge(p)), PolicyTerms.of_policy(p, min_match_score=50))
        for p in policies
    ]
    for cut in cuts:
        part = _panel(cut)
        n = len(part.dates)
        for name, values in part.columns.items():
            np.testing.assert_allclose(
                values, full[name][:n], rtol=1e-9, equal_nan=True, err_msg=f"{name} at {cut}"
            )
        for policy, whole in zip(policies, decided_full, strict=True):
            d = decide(
                part,
                judge_panel(part, PolicyJudge(policy)),
                PolicyTerms.of_policy(policy, min_match_score=50),
            )
            for field in ("entry", "exit"):
                got, want = getattr(d.decisions, field), getattr(whole.decisions, field)[:n]
                diff = np.argwhere(got != want)
                assert not len(diff), (
                    f"{policy['style']} {field} differs at {part.dates[diff[0][0]]} (cut {cut})"
                )


def test_the_vectorised_judge_agrees_with_the_single_row_form_on_every_preset() -> None:
    panel = _panel()
    rows = panel.rows(len(panel.dates) - 120).iloc[::7].reset_index(drop=True)
    for preset in PRESETS.values():
        policy = preset.create("en").model_dump(mode="json")
        verdicts = PolicyJudge(policy).judge(rows)
        rules = parse_rules(policy["rules"])
        for i, record in enumerate(rows.to_dict("records")):
            results = evaluate_rules(rules, record)
            assert verdicts.qualified[i] == qualifies(results)
            assert verdicts.match[i] == pytest.approx(match_score(results), abs=1e-9)
            failed = [j for j, r in enumerate(results) if r.required and r.passed is False]
            assert (
                verdicts.failed_rule[i] == (failed[0] if failed else -1) or results[failed[0]].type == "cross"
            )
            single = score(record, policy["weights"])
            assert verdicts.buy_score[i] == pytest.approx(single.buy_score, abs=0.02)
            if abs(single.buy_score - verdicts.buy_score[i]) < 1e-9:
                assert verdicts.recommendation[i] == RECOMMENDATION_RANK[single.recommendation]


def test_fundamentals_in_the_panel_are_the_single_stock_metrics_known_the_day_before() -> None:
    from kabu_trade.analysis.fundamentals import fundamental_metrics

    raw, disclosures = _demo()
    panel = _panel()
    splits = set(split_events(bars_from_long(raw))["code"])
    code = next(c for c in panel.symbols if c not in splits)
    column = panel.symbols.index(code)
    own = disclosures[disclosures["code"] == code]
    for row in (30, 200, 333, len(panel.dates) - 1):
        day = pd.Timestamp(panel.dates[row]).date()
        known = own[pd.to_datetime(own["disclosed_date"]).dt.date < day]  # D+1
        single = fundamental_metrics(known, float(panel["close"][row, column]), day)
        for name, value in single.items():
            expected = np.nan if value is None else value
            assert panel[name][row, column] == pytest.approx(expected, nan_ok=True, rel=1e-12), (name, day)


def test_the_judges_block_size_changes_no_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory is bounded by judging a block of rows at a time (decisions.JUDGE_ROWS): every verdict
    is the same whether the panel is judged in one block or in many small ones."""
    from kabu_trade.engine import decisions

    panel = _panel()
    policy = PRESETS["momentum"].create("en").model_dump(mode="json")
    monkeypatch.setattr(decisions, "JUDGE_ROWS", 1 << 22)
    whole = judge_panel(panel, PolicyJudge(policy))
    monkeypatch.setattr(decisions, "JUDGE_ROWS", 500)
    blocks = judge_panel(panel, PolicyJudge(policy))
    for name in whole.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(blocks, name), getattr(whole, name), err_msg=name)
    assert (whole.recommendation != 0).any() and whole.qualified.any()
