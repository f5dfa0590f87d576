"""答え合わせ as reads: load what grading needs, grade (``grading``), aggregate
(``grading_summary``) and cache the answers.

Computed on read, not stored: a grade is a pure function of a stored evaluation and the stored
bars, so it goes stale only when either changes. Cache keys hold the market generation (bumped by
every sync that changed data, ``jobs/pipeline.py``) and, for a user's aggregates, the count and
the newest id of the evaluations they cover — a sync or a new evaluation makes the old answer
unreachable, and nothing has to be kept in step. A table of grades filled after each sync would
need the same invalidation on every new evaluation, a migration and a backfill, for reads that
take well under a second for thousands of evaluations (the bars are read once for the set).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import pandas as pd
from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session

from kabu_trade.core.cache import Cache, cached_json, market_generation
from kabu_trade.core.errors import InvalidInput
from kabu_trade.evaluations.grading import BENCHMARK_NAME, HORIZON_LABELS, grade_frame, policy_sessions
from kabu_trade.evaluations.grading_summary import calibration, group_figures
from kabu_trade.evaluations.models import Evaluation
from kabu_trade.market import calendar
from kabu_trade.market import repository as market
from kabu_trade.market.models import DailyBar
from kabu_trade.policies import service as policies

# IN lists are sent in pieces of this size (SQLite allows some 32k parameters, PostgreSQL 65k).
_IN_CHUNK = 500


# What grading reads of an evaluation: a few columns and fields of its JSON, extracted by the
# database — loading whole rows parses every evaluation's signals and metrics (seconds for thousands).
_GRADED_FIELDS = (
    Evaluation.id.label("id"),
    Evaluation.stock_code.label("code"),
    Evaluation.as_of.label("as_of"),
    Evaluation.result[("levels", "entry_high")].as_float().label("entry_high"),
    Evaluation.result[("levels", "target_price")].as_float().label("target"),
    Evaluation.result[("levels", "stop_loss_price")].as_float().label("stop"),
    Evaluation.inputs[("policy", "horizon")].as_string().label("horizon"),
    Evaluation.policy_id.label("policy_id"),
    Evaluation.policy_version.label("policy_version"),
    Evaluation.recommendation.label("recommendation"),
    Evaluation.match_score.label("match_score"),
    Evaluation.buy_score.label("buy_score"),
)


def _evaluation_frame(session: Session, query: Select[Any]) -> pd.DataFrame:
    """The evaluations ``query`` selects, as grading reads them (levels NaN where absent)."""
    found = session.execute(query.with_only_columns(*_GRADED_FIELDS)).all()
    frame = pd.DataFrame(found, columns=[f.key for f in _GRADED_FIELDS])
    for column in ("entry_high", "target", "stop"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["policy_sessions"] = [
        float(s) if (s := policy_sessions({"horizon": h} if h else None)) else float("nan")
        for h in frame["horizon"]
    ]
    return frame


def _bars(session: Session, codes: Sequence[str], start: date) -> pd.DataFrame:
    columns = [DailyBar.code, DailyBar.date, DailyBar.high, DailyBar.low, DailyBar.close, DailyBar.adj_factor]
    found: list[Any] = []
    for k in range(0, len(codes), _IN_CHUNK):
        query = select(*columns).where(DailyBar.code.in_(codes[k : k + _IN_CHUNK]), DailyBar.date >= start)
        found.extend(session.execute(query).all())
    return pd.DataFrame(found, columns=["code", "date", "high", "low", "close", "adj_factor"])


def _universe_closes(session: Session, days: Sequence[date]) -> pd.DataFrame:
    found: list[Any] = []
    for k in range(0, len(days), _IN_CHUNK):
        query = select(DailyBar.code, DailyBar.date, DailyBar.close).where(
            DailyBar.date.in_(days[k : k + _IN_CHUNK]), DailyBar.close.is_not(None)
        )
        found.extend(session.execute(query).all())
    return pd.DataFrame(found, columns=["code", "date", "close"])


def _universe_splits(session: Session, after: date) -> pd.DataFrame:
    # A literal, as in market.repository.split_events: so the partial index on splits is used.
    query = select(DailyBar.code, DailyBar.date, DailyBar.adj_factor).where(
        DailyBar.adj_factor != literal_column("1.0"), DailyBar.adj_factor.is_not(None), DailyBar.date > after
    )
    return pd.DataFrame(session.execute(query).all(), columns=["code", "date", "factor"])


def grade_rows(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Grades of the evaluations of ``frame`` (``_evaluation_frame``), ``grading.GRADE_COLUMNS``:
    the bars of their stocks read once, the universe's closes only on the sessions where windows
    start or end."""
    last_data = market.latest_bar_date(session)
    if frame.empty or last_data is None:
        return grade_frame(
            frame.iloc[0:0], [], date.min, pd.DataFrame(), lambda d: pd.DataFrame(), pd.DataFrame()
        )
    start = min(frame["as_of"])
    # Sessions as far as the calendar knows: a pending window still gets the day it will end.
    sessions = calendar.sessions_between(start, calendar.calendar_span()[1])
    if not sessions or sessions[-1] < last_data:  # data past the calendar (e.g. hand-made dates)
        sessions = sorted(set(sessions) | set(_bar_days(session, start)))
    return grade_frame(
        frame,
        sessions,
        last_data,
        _bars(session, sorted(set(frame["code"])), start),
        lambda days: _universe_closes(session, days),
        _universe_splits(session, start),
    )


def _bar_days(session: Session, start: date) -> list[date]:
    return list(session.scalars(select(DailyBar.date).where(DailyBar.date >= start).distinct()))


def grades_payload(grades: pd.DataFrame) -> dict[int, list[dict[str, Any]]]:
    """Per evaluation id, its grades in horizon order, as JSON-ready dicts."""
    out: dict[int, list[dict[str, Any]]] = {}
    for record in cast(list[dict[str, Any]], grades.to_dict("records")):
        out.setdefault(int(record["id"]), []).append(_grade(record))
    return out


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 3)


def _grade(record: dict[str, Any]) -> dict[str, Any]:
    graded = record["status"] == "graded"
    return {
        "horizon": record["horizon"],
        "sessions": int(record["sessions"]),
        "status": record["status"],
        "end_date": record["end_date"].isoformat() if record["end_date"] else None,
        "forward_return_pct": _number(record["forward_return_pct"]) if graded else None,
        "benchmark_return_pct": _number(record["benchmark_return_pct"]) if graded else None,
        "excess_return_pct": _number(record["excess_return_pct"]) if graded else None,
        "entry_reached": None if record["entry_reached"] is None else bool(record["entry_reached"]),
        "first_hit": record["first_hit"],
    }


def _one(evaluation: Evaluation) -> Select[Any]:
    return select(Evaluation).where(Evaluation.id == evaluation.id)


def evaluation_grades(
    session: Session, cache: Cache, ttl: int, evaluation: Evaluation
) -> list[dict[str, Any]]:
    """One evaluation's grades, cached until the market data changes."""
    key = f"market:{market_generation(cache)}:grades:{evaluation.id}"
    return list(
        cached_json(
            cache,
            key,
            ttl,
            lambda: grades_payload(grade_rows(session, _evaluation_frame(session, _one(evaluation)))).get(
                evaluation.id, []
            ),
        )
    )


def grading_report(
    session: Session,
    cache: Cache,
    ttl: int,
    owner_id: int,
    *,
    policy_id: int | None,
    version: int | None,
    horizon: str | None,
) -> dict[str, Any]:
    """The user's graded evaluations in aggregate (optionally of one policy, one version), each
    horizon or only ``horizon``, and the calibration table at ``horizon`` (default +20)."""
    if version is not None and policy_id is None:
        raise InvalidInput("'version' needs 'policy_id'.", field="version")
    policy_name = policies.get_policy_for_user(session, owner_id, policy_id).name if policy_id else None
    query = select(Evaluation).where(Evaluation.owner_id == owner_id)
    if policy_id is not None:
        query = query.where(Evaluation.policy_id == policy_id)
    if version is not None:
        query = query.where(Evaluation.policy_version == version)
    covered = query.subquery()
    count, newest = session.execute(select(func.count(), func.max(covered.c.id))).one()
    calibrated = horizon or "20"
    scope = f"{owner_id}:{policy_id}:{version}:{horizon}:{count}:{newest}"
    key = f"market:{market_generation(cache)}:grading:{scope}"

    def compute() -> dict[str, Any]:
        frame = _evaluation_frame(session, query)
        grades = grade_rows(session, frame)
        described = ["id", "policy_id", "policy_version", "recommendation", "match_score", "buy_score"]
        joined = grades.astype({"id": "int64"}).merge(frame[described].astype({"id": "int64"}), on="id")
        horizons = (horizon,) if horizon else HORIZON_LABELS
        return {
            "policy_id": policy_id,
            "policy_name": policy_name,
            "version": version,
            "horizon": calibrated,
            "benchmark": BENCHMARK_NAME,
            "evaluations": int(count),
            "groups": group_figures(joined, horizons),
            "calibration": calibration(joined, calibrated),
        }

    return dict(cached_json(cache, key, ttl, compute))
