"""Session authentication for the API without CSRF checks.

Dioptra's client replays its session cookie and never sends a CSRF token, so
the API authenticates from the session alone."""

from rest_framework.authentication import SessionAuthentication


class SessionWithoutCsrf(SessionAuthentication):
    def enforce_csrf(self, request):
        return None
