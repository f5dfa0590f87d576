from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kabu_trade.auth.models import RefreshToken, SetupToken, User


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


def add_refresh_token(
    session: Session, user_id: int, family: str, token_hash: str, expires_at: datetime
) -> None:
    session.add(RefreshToken(user_id=user_id, family=family, token_hash=token_hash, expires_at=expires_at))
    session.flush()


def get_refresh_token(session: Session, token_hash: str) -> RefreshToken | None:
    return session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


def use_refresh_token(session: Session, token_hash: str, now: datetime) -> bool:
    """Mark a live token used; True if it was live. One UPDATE, so two racers cannot both rotate it."""
    result = session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token_hash,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
        )
        .values(used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_refresh_family(session: Session, family: str, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_refresh_tokens_of(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def bump_token_version(session: Session, user_id: int) -> None:
    """In the database, not in Python: two bumps at once both count."""
    session.execute(update(User).where(User.id == user_id).values(token_version=User.token_version + 1))


def delete_expired_refresh_tokens(session: Session, user_id: int, now: datetime) -> None:
    """Used and revoked rows are kept until they expire (a reuse must still be recognised); after
    that they are only weight."""
    session.execute(
        delete(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.expires_at <= now)
    )
