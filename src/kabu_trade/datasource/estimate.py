"""How long a first sync from a source takes: the requests it will really make, over its rate.

J-Quants (``JQuantsProvider``): the listed master once, then the whole universe one trading day per
call — one ``/equities/bars/daily`` request per session of the plan's window, and one
``/fins/summary`` request per session from a year and a month before the first bar (``FUNDAMENTALS_LEAD``:
a ratio on the first day needs the last full-year figures), both cut to what the plan serves (its
history years, and the Free plan's 12-week delay). Every request counts against the plan's rate,
``/fins/*`` also against its own 60 a minute. Further pages of one answer (``pagination_key``) are
not counted, since how many a day takes is known only from the answer: the figures are a floor.

yfinance: one chart request per code, paced by the provider.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kabu_trade.core.clock import tokyo_today
from kabu_trade.core.config import Settings
from kabu_trade.core.i18n import Lang
from kabu_trade.datasource.messages import MESSAGES
from kabu_trade.market.calendar import last_completed_session, sessions_between
from kabu_trade.market.providers.jquants import (
    FREE_PLAN_DELAY,
    PLAN_HISTORY_YEARS,
    RATE_LIMITS,
    plan_coverage,
)
from kabu_trade.market.providers.yfinance_source import PAUSE_SECONDS
from kabu_trade.market.sync import FUNDAMENTALS_LEAD


def jquants(settings: Settings, plan: str, lang: Lang, today: date | None = None) -> dict[str, Any]:
    today = today or tokyo_today()
    first_served, last_served = plan_coverage(plan, today)
    start = settings.effective_history_start
    bars_from = max(start, first_served) if first_served else start
    to_date = min(last_completed_session(), last_served)
    bar_days = sessions_between(bars_from, to_date) if bars_from <= to_date else []
    fins_start = start - FUNDAMENTALS_LEAD
    fins_from = max(fins_start, first_served) if first_served else fins_start
    fins_days = sessions_between(fins_from, to_date) if fins_from <= to_date else []
    rpm = RATE_LIMITS[plan]
    requests = 1 + len(bar_days) + len(fins_days)
    fins_rpm = settings.jquants_fins_per_minute
    minutes = round(max(requests / rpm, len(fins_days) / fins_rpm), 1)
    years = PLAN_HISTORY_YEARS[plan]
    delay_weeks = FREE_PLAN_DELAY.days // 7 if plan == "free" else 0
    notes = []
    if delay_weeks:
        notes.append(MESSAGES["note_free_delay"].format(weeks=delay_weeks).get(lang))
    if years is not None and first_served and first_served > start:
        notes.append(MESSAGES["note_history"].format(plan=plan, years=years).get(lang))
    notes.append(
        MESSAGES["note_rate"].format(plan=plan, rpm=rpm, fins=fins_rpm, minutes=round(minutes)).get(lang)
    )
    return {
        "source": "jquants",
        "plan": plan,
        "from_date": bar_days[0] if bar_days else None,
        "to_date": bar_days[-1] if bar_days else None,
        "sessions": len(bar_days),
        "requests": requests,
        "requests_per_minute": rpm,
        "minutes": minutes,
        "history_years": years,
        "delay_weeks": delay_weeks,
        "notes": notes,
    }


def yfinance(settings: Settings, codes: list[str], lang: Lang) -> dict[str, Any]:
    start = settings.effective_history_start
    to_date = last_completed_session()
    days = sessions_between(start, to_date) if start <= to_date else []
    rpm = int(60 / PAUSE_SECONDS)
    return {
        "source": "yfinance",
        "plan": None,
        "from_date": days[0] if days else None,
        "to_date": days[-1] if days else None,
        "sessions": len(days),
        "requests": len(codes),
        "requests_per_minute": rpm,
        "minutes": round(len(codes) * PAUSE_SECONDS / 60, 1),
        "history_years": None,
        "delay_weeks": 0,
        "notes": [
            MESSAGES["note_yf_unofficial"].get(lang),
            MESSAGES["note_yf_personal"].get(lang),
            MESSAGES["note_yf_requests"].format(codes=len(codes), pause=PAUSE_SECONDS).get(lang),
        ],
    }
