import structlog
from dioptra import pyplugs

LOGGER = structlog.get_logger()


@pyplugs.register
def hello_world(name: str) -> str:
    message = f"Hello, {name}! Welcome to Dioptra Lab."
    LOGGER.info(message)
    return message
