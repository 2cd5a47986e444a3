"""The production lock store (bot/lock_store.py): a lock release that fails once Redis has gone keeps the
turn's result; taking a lock with Redis down still fails (a turn never runs unlocked)."""

import asyncio
from pathlib import Path

import pytest
import yaml
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.lock_store import ResilientRedisLockStore


class FlakyRedis:
    """A dict standing in for Redis; `down` makes every call fail as a stopped server does."""

    def __init__(self):
        self.data, self.down = {}, False

    def _check(self):
        if self.down:
            raise RedisConnectionError("Connection refused")

    def get(self, key):
        self._check()
        return self.data.get(key)

    def set(self, key, value):
        self._check()
        self.data[key] = value

    def delete(self, key):
        self._check()
        return 1 if self.data.pop(key, None) is not None else 0


def store_with(red):
    store = ResilientRedisLockStore(host="127.0.0.1", port=1)  # never connects: `red` is replaced
    store.red = red
    return store


def test_a_release_that_fails_keeps_the_turns_result(caplog):
    red = FlakyRedis()
    store = store_with(red)

    async def turn():
        async with store.lock("family-1"):
            red.down = True  # Redis stops while the turn runs (after it was saved)
            return "answer"

    assert asyncio.run(turn()) == "answer"
    assert "releasing a lock failed (ConnectionError)" in caplog.text and "family-1" not in caplog.text


def test_taking_a_lock_with_redis_down_still_fails():
    red = FlakyRedis()
    red.down = True

    async def turn():
        async with store_with(red).lock("family-1"):
            return "answer"

    from rasa.core.lock_store import LockError

    with pytest.raises(LockError):  # Rasa's own error: the channel's guard answers "try again"
        asyncio.run(turn())


def test_a_lock_is_released_normally_when_redis_is_up():
    red = FlakyRedis()
    store = store_with(red)

    async def turn():
        async with store.lock("family-1"):
            assert red.data  # held during the turn
        return red.data

    assert asyncio.run(turn()) == {}


def test_production_endpoints_name_it_and_rasa_builds_it_from_there():
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    endpoints = yaml.safe_load(Path("endpoints.production.yml").read_text(encoding="utf-8"))
    config = dict(endpoints["lock_store"], url="127.0.0.1", port=6379)
    built = LockStore.create(EndpointConfig.from_dict(config))
    assert type(built) is ResilientRedisLockStore and built.red.connection_pool.connection_kwargs["db"] == 1
