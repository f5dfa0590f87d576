"""Evaluate stocks for a user, keep every evaluation, and read them back. No HTTP, no commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kabu_trade.analysis import service as analysis
from kabu_trade.core.errors import InvalidInput, NotFound
from kabu_trade.evaluations import repository
from kabu_trade.evaluations.engine import ENGINE_VERSION, evaluate, render_result, split_metrics
from kabu_trade.evaluations.models import Evaluation
from kabu_trade.evaluations.outcome import outcome_since
from kabu_trade.market import repository as market
from kabu_trade.market.models import Stock
from kabu_trade.policies import service as policies
from kabu_trade.policies.models import Policy


def _stock(session: Session, code: str) -> Stock:
    stock = market.get_stock(session, code.strip())
    if stock is None:
        raise NotFound(f"No stock with code {code!r}.", field="stock_code")
    return stock


def evaluate_stock(
    session: Session,
    owner_id: int,
    stock_code: str,
    policy_id: int | None = None,
    *,
    trigger: str = "manual",
    policy: Policy | None = None,
) -> Evaluation:
    """Judge one stock on its latest stored metrics (under a policy if given) and keep the result."""
    stock = _stock(session, stock_code)
    if policy is None and policy_id is not None:
        policy = policies.get_policy_for_user(session, owner_id, policy_id)
    metrics_row = analysis.get_metrics(session, stock.code)
    if metrics_row is None:
        raise InvalidInput(
            f"No market data has been analysed for {stock.code} yet; run a sync first.", field="stock_code"
        )
    snapshot = policies.policy_snapshot(policy) if policy else None
    result = evaluate(metrics_row.values, snapshot, metrics_row.as_of)
    evaluation = Evaluation(
        owner_id=owner_id,
        stock_code=stock.code,
        policy_id=policy.id if policy else None,
        policy_version=policy.version if policy else None,
        as_of=metrics_row.as_of,
        trigger=trigger,
        buy_score=result["buy_score"],
        sell_score=result["sell_score"],
        match_score=result["match_score"],
        confidence=result["confidence"],
        recommendation=result["recommendation"],
        result=result,
        inputs={
            "engine_version": ENGINE_VERSION,
            "metrics": metrics_row.values,
            "metrics_as_of": metrics_row.as_of.isoformat(),
            "bars": metrics_row.bars,
            "policy": snapshot,
            "data_source": stock.source,
        },
    )
    return repository.add(session, evaluation)


def reproduce(evaluation: Evaluation) -> dict[str, Any]:
    """Recompute an evaluation from its stored inputs (equal to ``evaluation.result``)."""
    as_of = evaluation.inputs.get("metrics_as_of")
    return evaluate(
        evaluation.inputs["metrics"],
        evaluation.inputs.get("policy"),
        date.fromisoformat(as_of) if as_of else None,
    )


def get_evaluation(session: Session, owner_id: int, evaluation_id: int) -> Evaluation:
    evaluation = repository.get_owned(session, owner_id, evaluation_id)
    if evaluation is None:
        raise NotFound(f"No evaluation {evaluation_id}.", field="id")
    return evaluation


def list_evaluations(
    session: Session,
    owner_id: int,
    *,
    stock_code: str | None,
    policy_id: int | None,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
) -> tuple[list[Evaluation], int]:
    if start and end and start > end:
        raise InvalidInput(f"'from' ({start}) is after 'to' ({end}).", field="from")
    return repository.list_owned(
        session,
        owner_id,
        stock_code=stock_code,
        policy_id=policy_id,
        start=start,
        end=end,
        limit=limit,
        offset=offset,
    )


def timeline(
    session: Session, owner_id: int, stock_code: str, policy_id: int | None, limit: int
) -> list[Evaluation]:
    stock = _stock(session, stock_code)
    return repository.timeline(session, owner_id, stock.code, policy_id, limit)


# --- shaping for reads -------------------------------------------------------------------------


def _names(
    session: Session, rows: Sequence[Evaluation]
) -> tuple[dict[str, tuple[str, str | None]], dict[int, str]]:
    """Each stock's (Japanese, English) name and each policy's name."""
    stocks = {
        code: (s.name, s.name_en)
        for code in {r.stock_code for r in rows}
        if (s := market.get_stock(session, code))
    }
    policy_names: dict[int, str] = {}
    for policy_id in {r.policy_id for r in rows if r.policy_id}:
        found = session.get(Policy, policy_id)
        if found is not None:
            policy_names[policy_id] = found.name
    return stocks, policy_names


def summaries(session: Session, rows: Sequence[Evaluation]) -> list[dict[str, Any]]:
    stocks, policy_names = _names(session, rows)
    return [_summary(r, stocks.get(r.stock_code), policy_names.get(r.policy_id or 0)) for r in rows]


def _summary(
    row: Evaluation, stock_names: tuple[str, str | None] | None, policy_name: str | None
) -> dict[str, Any]:
    return {
        "id": row.id,
        "stock_code": row.stock_code,
        "stock_name": stock_names[0] if stock_names else None,
        "stock_name_en": stock_names[1] if stock_names else None,
        "policy_id": row.policy_id,
        "policy_version": row.policy_version,
        "policy_name": policy_name,
        "as_of": row.as_of,
        "created_at": row.created_at,
        "trigger": row.trigger,
        "buy_score": row.buy_score,
        "sell_score": row.sell_score,
        "match_score": row.match_score,
        "confidence": row.confidence,
        "recommendation": row.recommendation,
    }


def detail(session: Session, row: Evaluation, lang: str, *, with_outcome: bool = True) -> dict[str, Any]:
    stocks, policy_names = _names(session, [row])
    rendered = render_result(row.result, lang, policy=row.inputs.get("policy"))
    technical, fundamental = split_metrics(row.inputs.get("metrics", {}))
    return {
        **_summary(row, stocks.get(row.stock_code), policy_names.get(row.policy_id or 0)),
        "qualifies": rendered.get("qualifies"),
        "signals": rendered["signals"],
        "rules": rendered["rules"],
        "key_points": rendered["key_points"],
        "levels": rendered["levels"],
        "parts": rendered["parts"],
        "missing": rendered["missing"],
        "technical": technical,
        "fundamental": fundamental,
        "demo": row.inputs.get("data_source") == "demo",
        "outcome": outcome_since(session, row.stock_code, row.as_of, row.result["levels"])
        if with_outcome
        else None,
    }
