from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabu_trade.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A synced demo database with one user and one policy, shared by the tests of this module."""
    folder = tmp_path_factory.mktemp("cli")
    values = {
        "KABU_DATA_DIR": str(folder),
        "KABU_DEMO_SYMBOLS": "12",
        "KABU_DEMO_START": "2023-06-01",
        "KABU_DEMO_END": "2024-06-28",
        "KABU_LOG_JSON": "false",
        "KABU_LOG_LEVEL": "WARNING",
    }
    assert runner.invoke(app, ["sync", "--until", "2024-06-28"], env=values).exit_code == 0
    made = runner.invoke(
        app, ["users", "create", "solo", "--password-stdin"], input="a-long-password\n", env=values
    )
    assert made.exit_code == 0, made.output
    from kabu_trade.core.config import Settings
    from kabu_trade.core.context import build_context
    from kabu_trade.core.db import session_scope
    from kabu_trade.policies import service
    from kabu_trade.policies.presets import get_preset

    context = build_context(Settings(data_dir=folder))
    with session_scope(context.sessions) as session:
        from kabu_trade.auth.repository import get_user_by_name

        user = get_user_by_name(session, "solo")
        assert user is not None
        policy = service.create_policy(session, user.id, get_preset("momentum").create("en"))
        values["POLICY_ID"] = str(policy.id)
    context.close()
    return values


def _codes(env: dict[str, str]) -> list[str]:
    from kabu_trade.market.providers.demo import DemoProvider

    return list(DemoProvider(symbols=12).list_stocks()["code"])


def test_evaluate_prints_scores_levels_and_key_points(env: dict[str, str]) -> None:
    code = _codes(env)[0]
    result = runner.invoke(app, ["evaluate", code, "--policy", env["POLICY_ID"], "--lang", "en"], env=env)
    assert result.exit_code == 0, result.output
    for label in ("recommendation", "buy / sell", "policy match", "entry zone", "target / stop"):
        assert label in result.output
    as_json = runner.invoke(app, ["evaluate", code, "--json"], env=env)
    data = json.loads(as_json.output)
    assert data[0]["stock_code"] == code and data[0]["policy_id"] is None


def test_evaluate_reports_bad_input(env: dict[str, str]) -> None:
    unknown = runner.invoke(app, ["evaluate", "0000"], env=env)
    assert unknown.exit_code == 1 and "0000" in unknown.output
    no_policy = runner.invoke(app, ["evaluate", _codes(env)[0], "--policy", "9999"], env=env)
    assert no_policy.exit_code == 1
    no_user = runner.invoke(app, ["evaluate", _codes(env)[0], "--user", "ghost"], env=env)
    assert no_user.exit_code == 1 and "ghost" in no_user.output


def test_screen_prints_a_ranking_and_writes_csv(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "ranking.csv"
    result = runner.invoke(app, ["screen", "--policy", env["POLICY_ID"], "--csv", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert "qualify" in result.output
    lines = target.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()
    assert lines[0].startswith("rank,stock_code,name")


def test_watchlist_add_list_remove(env: dict[str, str]) -> None:
    a, b = _codes(env)[:2]
    added = runner.invoke(app, ["watchlist", "add", "core", a, b, "--policy", env["POLICY_ID"]], env=env)
    assert added.exit_code == 0 and a in added.output
    listed = runner.invoke(app, ["watchlist", "list"], env=env)
    assert listed.exit_code == 0 and "core" in listed.output and a in listed.output
    removed = runner.invoke(app, ["watchlist", "remove", "core", a], env=env)
    assert removed.exit_code == 0
    missing = runner.invoke(app, ["watchlist", "remove", "core", a], env=env)
    assert missing.exit_code == 1 and "not on" in missing.output


def test_metrics_refresh(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["metrics", "refresh"], env=env)
    assert result.exit_code == 0 and "12 stocks" in result.output


def test_policies_list_and_from_preset(env: dict[str, str]) -> None:
    made = runner.invoke(app, ["policies", "from-preset", "dividend"], env=env)
    assert made.exit_code == 0 and "Created policy" in made.output
    listed = runner.invoke(app, ["policies", "list"], env=env)
    assert listed.exit_code == 0 and "dividend" in listed.output and "momentum" in listed.output
    bad = runner.invoke(app, ["policies", "from-preset", "yolo"], env=env)
    assert bad.exit_code == 1 and "yolo" in bad.output


def test_screen_rejects_an_unknown_sector_or_market_with_the_valid_ones(env: dict[str, str]) -> None:
    sector = runner.invoke(app, ["screen", "--policy", env["POLICY_ID"], "--sector", "宇宙産業"], env=env)
    assert sector.exit_code == 2, sector.output
    assert "宇宙産業" in sector.output and "Traceback" not in sector.output
    from kabu_trade.market.providers.demo import DemoProvider

    listed = DemoProvider(symbols=12).list_stocks()
    # Every sector of the stored universe is offered, by code and by name.
    for code, name in zip(listed["sector_code"], listed["sector_name"], strict=True):
        assert code in sector.output and name in sector.output
    market = runner.invoke(app, ["screen", "--policy", env["POLICY_ID"], "--market", "nasdaq"], env=env)
    assert market.exit_code == 2, market.output
    assert "nasdaq" in market.output
    assert all(m in market.output for m in ("prime", "standard", "growth", "other"))
    # Known values in either form still work, the market in any case.
    a_sector = str(listed["sector_name"].iloc[0])
    ok = runner.invoke(
        app, ["screen", "--policy", env["POLICY_ID"], "--sector", a_sector, "--market", "Prime"], env=env
    )
    assert ok.exit_code == 0, ok.output


def test_watchlist_list_prints_no_none_and_one_decimal(env: dict[str, str]) -> None:
    a, b = _codes(env)[2:4]
    # Without a policy the stored evaluations have no match score; evaluate one stock only.
    assert runner.invoke(app, ["watchlist", "add", "plain", a, b], env=env).exit_code == 0
    assert runner.invoke(app, ["evaluate", a], env=env).exit_code == 0
    listed = runner.invoke(app, ["watchlist", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "None" not in listed.output
    assert "policy -" in listed.output
    row = next(line for line in listed.output.splitlines() if a in line and "plain" not in line)
    cells = [c.strip() for c in row.strip("│┃| ").split("│")]
    # close, buy, sell: formatted; match: a dash for "no policy".
    assert (
        cells[2].startswith("¥") and re.fullmatch(r"\d+\.\d", cells[3]) and re.fullmatch(r"\d+\.\d", cells[4])
    )
    assert cells[5] == "-"
    runner.invoke(app, ["watchlist", "remove", "plain", a, b], env=env)


def test_evaluate_shows_every_rule_of_the_policy_in_words(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kabu_trade import cli

    # The console measured its width when the CLI was imported (COLUMNS below comes too late for
    # it under pytest-xdist): a wide terminal, so that no rule's words are wrapped mid-phrase.
    monkeypatch.setattr(cli.out, "width", 200)
    code = _codes(env)[0]
    result = runner.invoke(
        app, ["evaluate", code, "--policy", env["POLICY_ID"], "--lang", "en"], env={**env, "COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    # The momentum preset's first rule, as the rule editor writes it, with its verdict.
    assert "Close (adjusted) > 75-day moving average →" in result.output
    assert "close > sma_75" not in result.output and "return_60d_pct >= 10" not in result.output
    ja = runner.invoke(app, ["evaluate", code, "--policy", env["POLICY_ID"]], env={**env, "COLUMNS": "200"})
    as_json = runner.invoke(app, ["evaluate", code, "--policy", env["POLICY_ID"], "--json"], env=env)
    rules = json.loads(as_json.output)[0]["rules"]
    assert len(rules) == 7
    for rule in rules:  # passed ones too, each with its verdict
        assert rule["text"] in ja.output, rule["text"]


def test_screen_says_how_ties_are_broken_and_writes_failed_rules_in_words(
    env: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "ranking.csv"
    result = runner.invoke(
        app,
        ["screen", "--policy", env["POLICY_ID"], "--csv", str(target), "--lang", "en"],
        env={**env, "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "what the policy weights most" in result.output and "Momentum" in result.output
    text = target.read_text(encoding="utf-8")
    assert "failed_rules" in text.splitlines()[0] and "return_60d_pct >= 10" not in text


def test_english_output_names_companies_in_english(env: dict[str, str]) -> None:
    from kabu_trade.market.providers.demo import DemoProvider

    stocks = DemoProvider(symbols=12).list_stocks().set_index("code")
    code = str(stocks.index[0])
    wide = {**env, "COLUMNS": "250"}
    english = runner.invoke(app, ["evaluate", code, "--lang", "en"], env=wide)
    assert english.exit_code == 0, english.output
    assert f"{code} {stocks.loc[code, 'name_en']}" in english.output
    japanese = runner.invoke(app, ["evaluate", code], env=wide)
    assert f"{code} {stocks.loc[code, 'name']}" in japanese.output
    ranking = runner.invoke(app, ["screen", "--policy", env["POLICY_ID"], "--lang", "en"], env=wide)
    assert ranking.exit_code == 0, ranking.output
    shown = [c for c in stocks.index if f" {c} " in ranking.output]
    assert shown and all(stocks.loc[c, "name_en"] in ranking.output for c in shown)
