"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of
every request on a kept connection. A connection the server has ended (a
restart, an idle timeout, ``pg_terminate_backend``) shows on its socket
without asking: the server sends its goodbye and closes, so the idle socket
becomes readable. Only then is ``SELECT 1`` sent, to decide for sure.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        # An idle connection has nothing to read unless the server said something.
        return not readable or super().is_usable()
