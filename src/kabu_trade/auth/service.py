"""Accounts: creation, sign-in, the first-account setup token. No HTTP here; no commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kabu_trade.auth import repository, tokens
from kabu_trade.auth.models import User
from kabu_trade.auth.schemas import UserUpdate
from kabu_trade.core import security
from kabu_trade.core.db import utcnow
from kabu_trade.core.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from kabu_trade.core.i18n import Text

SETUP_TOKEN_LIFETIME = timedelta(hours=24)


def create_user(session: Session, username: str, password: str, *, is_admin: bool = False) -> User:
    if repository.get_user_by_name(session, username):
        raise Conflict(
            Text(
                "A user named {name!r} already exists.", "ユーザー名「{name}」は既に使われています。"
            ).format(name=username),
            field="username",
        )
    user = User(username=username, password_hash=security.hash_password(password), is_admin=is_admin)
    return repository.add_user(session, user)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> User:
    user = repository.get_user_by_name(session, username)
    # verify_password runs the hash even for an unknown name, so timing does not reveal accounts.
    valid = security.verify_password(user.password_hash if user else None, password)
    if not user or not valid or not user.is_active:
        raise Unauthorized(
            Text("Incorrect username or password.", "ユーザー名またはパスワードが違います。"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    user.last_login_at = now or utcnow()
    return user


def setup_needed(session: Session) -> bool:
    return repository.count_users(session) == 0


def issue_setup_token(session: Session, now: datetime | None = None) -> str | None:
    """A fresh one-time token if no account exists yet, else None."""
    if not setup_needed(session):
        return None
    token = security.new_setup_token()
    repository.add_setup_token(session, security.sha256_hex(token), (now or utcnow()) + SETUP_TOKEN_LIFETIME)
    return token


def create_first_account(session: Session, setup_token: str, username: str, password: str) -> User:
    if not setup_needed(session):
        raise Conflict(
            Text(
                "Setup is finished: an account already exists. Sign in instead.",
                "初期設定は完了しています（アカウントが既にあります）。サインインしてください。",
            )
        )
    if not repository.consume_setup_token(session, security.sha256_hex(setup_token), utcnow()):
        raise Forbidden(
            Text(
                "The setup token is wrong, used or expired. Restart the server for a new one.",
                "セットアップトークンが違うか、使用済みか、期限切れです。"
                "サーバーを再起動すると新しいトークンがログに表示されます。",
            ),
            field="setup_token",
        )
    return create_user(session, username, password, is_admin=True)


def update_user(session: Session, user: User, changes: UserUpdate) -> User:
    if changes.language is not None:
        user.language = changes.language
    if changes.new_password is not None:
        if not changes.current_password or not security.verify_password(
            user.password_hash, changes.current_password
        ):
            raise InvalidInput(
                Text("The current password is wrong.", "現在のパスワードが違います。"),
                field="current_password",
            )
        user.password_hash = security.hash_password(changes.new_password)
        session.flush()
        # Whoever holds a token from before the change (a stolen one, another device) is out.
        tokens.sign_out_everywhere(session, user.id)
    session.flush()
    return user
