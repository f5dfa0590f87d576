"""答え合わせ in aggregate: how a policy version's (and each recommendation's) calls fared, and
whether higher scores were followed by higher returns (the calibration table). Pure: frames in,
plain dicts out.

Only graded rows count; pending ones are counted apart and never enter a rate or a mean.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from kabu_trade.evaluations.grading import HORIZON_LABELS

# Score bands of the calibration table: ten of width 10 over 0–100 (scores are points out of 100,
# so a band means the same thing for every policy, whatever the spread of its scores).
BAND_WIDTH = 10


def _rate(mask: pd.Series) -> float | None:
    values = mask.dropna()
    return round(float(values.astype(bool).mean()), 4) if len(values) else None


def _mean(values: pd.Series) -> float | None:
    values = values.dropna()
    return round(float(values.mean()), 3) if len(values) else None


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return round(float(values.median()), 3) if len(values) else None


def horizon_figures(rows: pd.DataFrame, horizon: str) -> dict[str, Any]:
    """One horizon's figures over ``rows`` (grades joined to their evaluations)."""
    at = rows[rows["horizon"] == horizon]
    graded = at[at["status"] == "graded"]
    forward = graded["forward_return_pct"].astype(float)
    excess = graded["excess_return_pct"].astype(float)
    hits = graded["first_hit"].dropna()
    return {
        "horizon": horizon,
        "graded": len(graded),
        "pending": int((at["status"] == "pending").sum()),
        "hit_rate": _rate(forward.where(forward.isna(), forward > 0)),
        "excess_hit_rate": _rate(excess.where(excess.isna(), excess > 0)),
        "mean_return_pct": _mean(forward),
        "median_return_pct": _median(forward),
        "mean_excess_pct": _mean(excess),
        "median_excess_pct": _median(excess),
        "entry_reached_rate": _rate(graded["entry_reached"].dropna()),
        "target_first_rate": _rate(hits == "target") if len(hits) else None,
        "stop_first_rate": _rate(hits == "stop_loss") if len(hits) else None,
    }


def group_figures(rows: pd.DataFrame, horizons: tuple[str, ...] = HORIZON_LABELS) -> list[dict[str, Any]]:
    """Figures per policy version and recommendation (recommendation None: all of the version)."""
    groups: list[dict[str, Any]] = []
    if rows.empty:
        return groups
    keyed = rows.assign(
        policy_id=rows["policy_id"].astype("Int64"), policy_version=rows["policy_version"].astype("Int64")
    )
    for key, versioned in keyed.groupby(["policy_id", "policy_version"], dropna=False, sort=True):
        policy_id, version = cast(tuple[Any, Any], key)
        for recommendation, part in [(None, versioned), *versioned.groupby("recommendation", sort=True)]:
            groups.append(
                {
                    "policy_id": None if pd.isna(policy_id) else int(policy_id),
                    "policy_version": None if pd.isna(version) else int(version),
                    "recommendation": recommendation,
                    "evaluations": int(part["id"].nunique()),
                    "horizons": [horizon_figures(part, h) for h in horizons],
                }
            )
    return groups


def calibration(rows: pd.DataFrame, horizon: str) -> list[dict[str, Any]]:
    """Score band (the match score under a policy, the buy score without) → count, mean forward
    return and hit rate of the graded rows at ``horizon``; bands without a graded row are listed
    with count 0, so the table always has its ten rows."""
    at = rows[(rows["horizon"] == horizon) & (rows["status"] == "graded")]
    score = at["match_score"].astype(float).where(at["match_score"].notna(), at["buy_score"].astype(float))
    band = np.clip((score // BAND_WIDTH).to_numpy(dtype=float), 0, 100 // BAND_WIDTH - 1)
    table = []
    for k in range(100 // BAND_WIDTH):
        part = at[band == k]
        forward = part["forward_return_pct"].astype(float)
        excess = part["excess_return_pct"].astype(float)
        table.append(
            {
                "band": k + 1,
                "score_from": k * BAND_WIDTH,
                "score_to": (k + 1) * BAND_WIDTH,
                "count": len(part),
                "mean_return_pct": _mean(forward),
                "hit_rate": _rate(forward.where(forward.isna(), forward > 0)),
                "mean_excess_pct": _mean(excess),
            }
        )
    return table
