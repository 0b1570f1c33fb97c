"""How API requests are authenticated.

- A session cookie, without CSRF checks: Dioptra's client replays its session
  cookie and never sends a CSRF token, so the API authenticates from the
  session alone. This stays the first and default way.
- A personal API token (our extension) in ``Authorization: Token <secret>``,
  for scripts that should not hold a password. An unknown or revoked token is
  refused with 401, never treated as anonymous.
"""

from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed

from experiments.models import ApiToken

TOKEN_KEYWORD = "Token"


class SessionWithoutCsrf(SessionAuthentication):
    def enforce_csrf(self, request):
        return None


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != TOKEN_KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Give exactly one token after 'Token'.")
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("The token is not valid.") from None
        token = ApiToken.objects.authenticate(secret)
        if token is None:
            raise AuthenticationFailed("The token is not valid or was revoked.")
        token.mark_used()
        return token.user, token

    def authenticate_header(self, request):
        return TOKEN_KEYWORD
