from experiments.models import ApiToken

from .common import API_ROOT, timestamp


def token_shape(token: ApiToken) -> dict:
    """A personal API token as listed; its secret is never shown again."""
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "createdOn": timestamp(token.created_on),
        "lastUsedOn": timestamp(token.last_used_on),
        "revokedOn": timestamp(token.revoked_on),
        "url": f"{API_ROOT}/users/current/tokens/{token.pk}",
    }


def new_token_shape(token: ApiToken, secret: str) -> dict:
    """A token just issued, with the secret: the only time it is shown."""
    return {**token_shape(token), "token": secret}
