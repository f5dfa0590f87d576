"""Fixtures of the core tests: a private redis-server that fault tests may kill, freeze and restart."""

from tests.core.redis_server import private_redis

__all__ = ["private_redis"]
