"""Writes of users: registration, profile, (de)activation, staff accounts. Each announces the change."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.users.models import User, normalize_email
from accounts.users.selectors import user_access_snapshot, user_group_names
from common.api import ApiError, Conflict
from common.events import publish
from common.events.contracts.accounts import UserAccessChanged, UserRegistered


class EmailTaken(Conflict):
    code, detail = "email_taken", _("An account with this email already exists.")


class WeakPassword(ApiError):
    status, code, detail = 422, "weak_password", _("The password is too weak.")


class InvalidEmail(ApiError):
    status, code, detail = 422, "invalid_email", _("Enter a valid email address.")


def password_check(*, password: str, user: User | None = None) -> None:
    """Django's password validators; raises ``WeakPassword`` with their messages."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise WeakPassword(" ".join(exc.messages))


def user_access_publish(*, user: User) -> None:
    """Announce the user's current access (``accounts.user_access_changed``); call inside the write's transaction."""
    publish(
        UserAccessChanged(
            user_id=user.pk,
            email=user.email,
            full_name=user.full_name,
            is_active=user.is_active,
            is_staff=user.is_staff,
            groups=user_group_names(user=user),
        ),
        key=str(user.pk),
    )


def user_access_publish_if_changed(*, user: User, before: tuple | None) -> bool:
    if before is not None and before == user_access_snapshot(user=user):
        return False
    user_access_publish(user=user)
    return True


def user_register(*, email: str, password: str, full_name: str) -> User:
    """Create a shopper account; publishes ``accounts.user_registered`` (welcome email) and the access event."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidEmail()
    full_name = full_name.strip()
    if User.objects.filter(email=email).exists():
        raise EmailTaken()
    password_check(password=password, user=User(email=email, full_name=full_name))
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
            publish(UserRegistered(user_id=user.pk, email=user.email, full_name=user.full_name), key=str(user.pk))
            user_access_publish(user=user)
    except IntegrityError:
        raise EmailTaken()
    return user


def user_profile_update(*, user: User, full_name: str) -> User:
    with transaction.atomic():
        before = user_access_snapshot(user=user)
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
        user_access_publish_if_changed(user=user, before=before)
    return user


def user_set_active(*, user: User, is_active: bool) -> bool:
    """(De)activate; a deactivated user is logged out everywhere and refused by every service at once."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == is_active:
            return False
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        if not is_active:
            user_logout_everywhere(user=user)
        user_access_publish(user=user)
    return True


def staff_user_ensure(
    *, email: str, password: str | None, full_name: str = "", groups: tuple[str, ...] = (), superuser: bool = False
) -> tuple[User, bool]:
    """Create or update a staff account in ``groups``; returns (user, created). A given password is set."""
    email = normalize_email(email)
    validate_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=email).first()
        created = user is None
        before = None if created else user_access_snapshot(user=user)
        if created:
            user = User(email=email, full_name=full_name)
        user.is_staff = True
        user.is_active = True
        user.is_superuser = user.is_superuser or superuser
        if full_name:
            user.full_name = full_name
        if password is not None:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.save()
        user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in groups])
        user_access_publish_if_changed(user=user, before=before)
    return user, created


def user_logout_everywhere(*, user: User) -> int:
    """Blacklist every unexpired refresh token of ``user``; returns how many were still usable.

    Access tokens already issued stay valid until they expire (at most 5 minutes).
    """
    with transaction.atomic():
        live = list(
            OutstandingToken.objects.select_for_update(of=("self",))
            .filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
            .order_by("id")
        )
        BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)
    return len(live)
