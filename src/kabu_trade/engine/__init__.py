"""The pure engine: numbers from arrays, knowing nothing of the database, the web or the CLI.

Issue 11 moves the indicators, fundamentals, scores, rules, levels and key points here; today it
holds the backtest simulation (``engine.backtest``). An import-linter contract in pyproject.toml
keeps it pure: nothing from ``kabu_trade`` outside ``engine``, no SQLAlchemy, no FastAPI.
"""
