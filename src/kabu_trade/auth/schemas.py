from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from kabu_trade.core.security import assess_password

USERNAME_PATTERN = r"^[A-Za-z0-9_.\-]{3,64}$"
Password = Field(min_length=10, max_length=256, description="at least 10 characters")
Language = Literal["ja", "en"]


def _strong(password: str | None, info: ValidationInfo) -> str | None:
    """Length is checked by the field; this refuses common passwords, patterns and the user name."""
    if password is None:
        return None
    username = info.data.get("username")
    weakness = assess_password(password, [username] if isinstance(username, str) else [])
    if weakness:
        # A custom error keeps pydantic's "Value error, " prefix out of the message shown to people;
        # its context is what the Japanese message is made of (core/validation_i18n.py).
        raise PydanticCustomError(
            "weak_password",
            weakness.message.replace("{", "{{").replace("}", "}}"),
            {
                "warning": weakness.warning,
                "suggestions": list(weakness.suggestions),
                "user_input": weakness.user_input,
            },
        )
    return password


class TokenRead(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    refresh_token: str = Field(description="single use: POST it to /auth/refresh for a new pair")
    refresh_expires_at: datetime


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN, description="3–64 letters, digits, _ . -")
    password: str = Password
    is_admin: bool = False

    _password_strength = field_validator("password")(_strong)


class SetupCreate(BaseModel):
    setup_token: str = Field(min_length=8, max_length=200, description="printed once in the server log")
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Password

    _password_strength = field_validator("password")(_strong)


class SetupStatus(BaseModel):
    needed: bool = Field(description="true while no account exists and the first one can be created")


class UserUpdate(BaseModel):
    language: Language | None = None
    current_password: str | None = None
    new_password: str | None = Field(default=None, min_length=10, max_length=256)

    _password_strength = field_validator("new_password")(_strong)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    is_admin: bool
    language: str
    created_at: datetime
    last_login_at: datetime | None
