"""The production lock store: Rasa's Redis lock store whose lock release never throws a stored turn away.

Rasa holds a conversation's lock around the whole turn and releases it in a `finally`. When Redis goes away
after the turn was processed and saved to PostgreSQL, the release raises and the turn's answer is lost: the
family is told "try again" for a message that is already stored (the fault benchmark counted these as
"extra"). A release that fails is harmless (the lock expires after CAMINO_LOCK_LIFETIME seconds), so here it
is logged and the answer goes out. Taking the lock still fails as before when Redis is down, so a turn never
runs unlocked.

Configured in endpoints.production.yml as `type: bot.lock_store.ResilientRedisLockStore`.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.lock_store import RedisLockStore
from redis.exceptions import RedisError  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)


class ResilientRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by module path
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        try:
            super().cleanup(conversation_id, ticket_number)
        except RedisError as error:  # never log the conversation id with text: only the error's kind
            logger.warning("lock store: releasing a lock failed (%s); it expires by itself", type(error).__name__)
