from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

USERNAME_PATTERN = r"^[A-Za-z0-9_.\-]{3,64}$"
Password = Field(min_length=10, max_length=256, description="at least 10 characters")
Language = Literal["ja", "en"]


class TokenRead(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN, description="3–64 letters, digits, _ . -")
    password: str = Password
    is_admin: bool = False


class SetupCreate(BaseModel):
    setup_token: str = Field(min_length=8, max_length=200, description="printed once in the server log")
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Password


class SetupStatus(BaseModel):
    needed: bool = Field(description="true while no account exists and the first one can be created")


class UserUpdate(BaseModel):
    language: Language | None = None
    current_password: str | None = None
    new_password: str | None = Field(default=None, min_length=10, max_length=256)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    is_admin: bool
    language: str
    created_at: datetime
    last_login_at: datetime | None
