"""Personal API tokens: a second way for scripts to authenticate to the REST API.

Only a SHA-256 hash of each token is stored; the token itself is shown once,
when it is issued. A revoked token, or one whose user was deleted, no longer
authenticates.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "dlab_"
NAME_MAX_LENGTH = 100
# How many leading characters of a token are kept in clear, so its owner can
# tell their tokens apart ("dlab_Xy3k…").
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 4
# Last use is recorded at most this often, so a busy script does not write
# the token's row on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_on__isnull=True, user__is_active=True)

    def issue(self, *, user, name: str) -> tuple["ApiToken", str]:
        """A new token for ``user``; returns it with its secret, which is not kept."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self.create(
            user=user,
            name=name,
            key_hash=hash_token(secret),
            prefix=secret[:SHOWN_PREFIX_LENGTH],
        )
        return token, secret

    def authenticate(self, secret: str) -> "ApiToken | None":
        """The active token with this secret, with its user loaded."""
        return self.active().select_related("user").filter(key_hash=hash_token(secret)).first()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=SHOWN_PREFIX_LENGTH, editable=False)
    created_on = models.DateTimeField(default=timezone.now)
    last_used_on = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None

    def revoke(self) -> None:
        if self.revoked_on is None:
            self.revoked_on = timezone.now()
            self.save(update_fields=["revoked_on"])

    def mark_used(self) -> None:
        now = timezone.now()
        if self.last_used_on is None or now - self.last_used_on >= LAST_USED_PRECISION:
            self.last_used_on = now
            self.save(update_fields=["last_used_on"])
