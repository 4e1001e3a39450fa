"""Users, passwords, bearer tokens and invites."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from backend.models import AuthToken, Invite, User
from backend.models._types import utcnow
from backend.models.users import ROLES

_hasher = PasswordHasher()  # argon2id, the OWASP-recommended KDF
MIN_PASSWORD = 8
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Invite codes are typed on phones: no 0/O or 1/I/L to misread.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_new_user(email: str, password: str, role: str) -> str:
    email = email.strip().lower()
    # Per field a code for apps to translate (errors) and words for people (the message).
    errors: dict[str, list[str]] = {}
    reasons: list[str] = []
    if not EMAIL_RE.match(email):
        errors["email"] = ["invalid"]
        reasons.append(f"email {email!r} is not an email address")
    if len(password) < MIN_PASSWORD:
        errors["password"] = ["too_short"]
        reasons.append(f"password must be at least {MIN_PASSWORD} characters")
    if role not in ROLES:
        errors["role"] = ["unknown"]
        reasons.append(f"role {role!r} is not one of {', '.join(ROLES)}")
    if errors:
        raise ValidationError(f"The user cannot be created: {'; '.join(reasons)}", errors=errors)
    return email


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    role: str = "canvasser",
    name: str = "",
    actor: User | None = None,
) -> User:
    """Create a user. ``actor`` None means the command line (trusted); through the API an
    admin may create anyone and an organizer only canvassers."""
    if actor is not None:
        if actor.role == "organizer" and role != "canvasser":
            raise PermissionDenied("Organizers can add canvassers only; ask an admin.")
        if not actor.is_organizer:
            raise PermissionDenied("Only organizers and admins can add users.")
    email = _check_new_user(email, password, role)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Conflict(f"A user with email {email} already exists.", errors={"email": ["taken"]})
    user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, actor: User, *, role: str | None = None) -> list[User]:
    if not actor.is_organizer:
        raise PermissionDenied("Only organizers and admins can list users.")
    query = select(User).order_by(User.name, User.email)
    if role:
        query = query.where(User.role == role)
    return list(session.scalars(query))


def update_user(
    session: Session,
    user_id: int,
    actor: User,
    *,
    role: str | None = None,
    name: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Rename, change the role of, disable or re-enable a user.

    An admin may change anyone but themselves; an organizer may rename, disable and re-enable
    canvassers only (as they may add canvassers only). Disabling signs the user out of every
    device: the phone keeps its unsent reports, which sync once the account is enabled again.
    Their turfs stay assigned (marked disabled in the console) so those reports still fall
    within an assignment; an organizer takes the turfs back explicitly.
    """
    if not actor.is_organizer:
        raise PermissionDenied("Only organizers and admins can change users.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    if user.id == actor.id and (role not in (None, user.role) or is_active is False):
        raise PermissionDenied("You cannot change your own role or disable yourself; ask "
                               "another admin.")  # fmt: skip
    if actor.role == "organizer" and (user.role != "canvasser" or role not in (None, "canvasser")):
        raise PermissionDenied("Organizers can change canvassers only, and not their role; "
                               "ask an admin.")  # fmt: skip
    if role is not None and role not in ROLES:
        raise ValidationError(f"The role {role!r} is not one of {', '.join(ROLES)}.",
                              errors={"role": [f"not one of {', '.join(ROLES)}"]})  # fmt: skip
    if name is not None:
        user.name = name.strip()
    if role is not None:
        user.role = role
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        if not is_active:
            revoke_user_tokens(session, user.id, actor)
    session.flush()
    return user


def issue_token(session: Session, user: User, *, ttl_hours: int) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AuthToken(
            user_id=user.id,
            token_hash=_sha256(token),
            created_at=now,
            expires_at=now + dt.timedelta(hours=ttl_hours),
        )
    )
    session.flush()
    return token


def login(session: Session, email: str, password: str, *, ttl_hours: int) -> tuple[str, User]:
    """Check a password and issue a token. The same message for every failure, so the
    answer does not tell who has an account."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    failure = AuthenticationError("Wrong email or password.")
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        raise failure
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise failure from None
    if not user.is_active:
        # errors name the reason in words a phone can translate; so for the invites below.
        raise AuthenticationError("This account is disabled; ask your organizer.",
                                  errors={"account": ["disabled"]})
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return issue_token(session, user, ttl_hours=ttl_hours), user


def authenticate(session: Session, token: str) -> User:
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == _sha256(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None:
        raise AuthenticationError("The token is unknown or revoked: log in again.")
    if row.expires_at <= now:
        raise AuthenticationError("The token has expired: log in again.")
    if not row.user.is_active:
        raise AuthenticationError("This account is disabled; ask your organizer.")
    # Writing on every request would serialise readers on SQLite; a minute is precise enough.
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
        row.last_used_at = now
    return row.user


def revoke_token(session: Session, token: str) -> None:
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == _sha256(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()


def revoke_user_tokens(session: Session, user_id: int, actor: User) -> int:
    if not actor.is_organizer and actor.id != user_id:
        raise PermissionDenied("You can only sign out your own devices.")
    rows = session.scalars(
        select(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = utcnow()
    session.flush()
    return len(rows)


def create_invite(
    session: Session, actor: User, *, ttl_hours: int, max_uses: int = 50
) -> tuple[str, Invite]:
    """An invite code for volunteers to join as canvassers; the code is shown once."""
    if not actor.is_organizer:
        raise PermissionDenied("Only organizers can invite volunteers.")
    if not 1 <= max_uses <= 1000:
        raise ValidationError("max_uses must be between 1 and 1000", errors={"max_uses": ["range"]})
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
    invite = Invite(
        code_hash=_sha256(code),
        role="canvasser",
        created_by_id=actor.id,
        expires_at=utcnow() + dt.timedelta(hours=ttl_hours),
        max_uses=max_uses,
    )
    session.add(invite)
    session.flush()
    return code, invite


def normalise_invite_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def join(
    session: Session, code: str, *, email: str, password: str, name: str, ttl_hours: int
) -> tuple[str, User]:
    """A volunteer joins with an invite code and gets a canvasser account and a token."""
    invite = session.scalar(
        select(Invite).where(Invite.code_hash == _sha256(normalise_invite_code(code)))
    )
    if invite is None or invite.revoked_at is not None:
        raise NotFound("This invite code is not valid; ask your organizer for a new one.",
                       errors={"code": ["unknown"]})
    if invite.expires_at <= utcnow():
        raise AuthenticationError("This invite has expired; ask your organizer for a new one.",
                                  errors={"code": ["expired"]})
    if invite.use_count >= invite.max_uses:
        raise AuthenticationError("This invite has been used up; ask your organizer for a new one.",
                                  errors={"code": ["used_up"]})
    if not name.strip():
        raise ValidationError("Please give your name.", errors={"name": ["required"]})
    user = create_user(session, email, password, role=invite.role, name=name)
    invite.use_count += 1
    return issue_token(session, user, ttl_hours=ttl_hours), user
