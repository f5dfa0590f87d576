from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kabu_trade.auth.models import SetupToken, User


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def add_user(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def add_setup_token(session: Session, token_hash: str, expires_at: datetime) -> None:
    session.add(SetupToken(token_hash=token_hash, expires_at=expires_at))
    session.flush()


def consume_setup_token(session: Session, token_hash: str, now: datetime) -> bool:
    """Mark a live token used; True if it was live. One UPDATE, so two racers cannot both win."""
    result = session.execute(
        update(SetupToken)
        .where(SetupToken.token_hash == token_hash, SetupToken.used_at.is_(None), SetupToken.expires_at > now)
        .values(used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
