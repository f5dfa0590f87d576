"""The benchmarks' own plumbing: what decides how a figure is printed and which benchmarks run.
No timing here (speed is measured in bench/, never asserted in tests)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pytest
from bench._measure import ProcessRun, Timing, compare
from bench.memory import BUDGET_MB, Curve, _against

from bench import __main__ as runner


def test_compare_names_a_loss_as_one(capsys: pytest.CaptureFixture[str]) -> None:
    line = compare("x", Timing((2.0, 4.0, 3.0)), Timing((1.0, 1.5, 1.2)))
    assert "2.5× slower" in line and "faster" not in line
    assert "kabu-trade min 2.00 s / median 3.00 s (n=3)" in line
    assert "load " in line and line in capsys.readouterr().out


def test_compare_reports_the_ratio_of_the_medians() -> None:
    line = compare("x", Timing((0.1, 0.2, 0.3)), Timing((0.5, 1.0, 9.0)))
    assert "5.0× faster" in line


def test_compare_refuses_unequal_repetitions() -> None:
    with pytest.raises(ValueError, match="3 samples against 1"):
        compare("x", Timing((1.0, 1.0, 1.0)), Timing((1.0,)))


def _with_quick(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.parse_args(list(argv))


def _without_quick(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true")
    parser.parse_args(list(argv))


def _no_options() -> None:
    raise AssertionError("a main without parameters must not be called to ask for --help")


def test_a_benchmark_has_a_quick_form_when_its_help_offers_quick() -> None:
    assert runner.accepts_quick(_with_quick)
    assert not runner.accepts_quick(_without_quick)
    assert not runner.accepts_quick(_no_options)


def test_an_unknown_benchmark_is_refused_with_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.cli(["no-such-benchmark"]) == 2
    assert "available:" in capsys.readouterr().err


def test_every_benchmark_of_ours_has_a_quick_form() -> None:
    benchmarks, broken = runner.discover()
    assert not {"api", "metrics", "memory"} & set(broken)
    for name in ("api", "metrics", "memory"):
        assert runner.accepts_quick(benchmarks[name]), name


def test_memory_figures_read_against_their_budget() -> None:
    assert _against(400.0, BUDGET_MB["sync"]) == "400 ≤ 400 PASS"
    assert _against(1553.4, BUDGET_MB["sync"]) == "1,553 > 400 OVER"
    assert _against(None, BUDGET_MB["api"]) == "-"


def test_the_stack_is_the_api_plus_redis_plus_the_sync_peak() -> None:
    sync = ProcessRun(seconds=1.0, peak_rss_mb=300.0, returncode=0, output="")
    on_postgres = Curve(320, "postgresql", sync=sync, api_mb=200.0, redis_mb=12.0)
    on_sqlite = Curve(320, "sqlite", sync=sync, api_mb=200.0)
    assert on_postgres.stack_mb == 512.0
    assert on_sqlite.stack_mb == 500.0
    assert Curve(320, "sqlite", api_mb=200.0).stack_mb is None
