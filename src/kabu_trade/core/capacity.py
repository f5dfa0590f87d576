"""Processes, threads and database connections: one calculation, used by the API and documented.

Each API process serves sync endpoints from a thread pool of ``KABU_THREADS`` threads. Because a
request holds a database connection only while one of those threads runs it (``unit_of_work.py``),
a pool of ``threads + JOB_CONNECTIONS`` connections means no thread ever waits for a connection:
the pool cannot be the bottleneck, and requests beyond the thread pool queue on the event loop,
costing memory, not connections. The whole deployment must then fit the database server:

    processes × (threads + JOB_CONNECTIONS) ≤ max_connections − RESERVED_CONNECTIONS

where processes = hosts (or ECS tasks) × ``KABU_WORKERS``. The README has the table per tier.
"""

from __future__ import annotations

from dataclasses import dataclass

# A sync running in the API process (scheduler or POST /sync) uses one connection for its writes
# and one for its lease heartbeat; one more for health checks that run beside a full pool.
JOB_CONNECTIONS = 3
# Kept free on the database for migrations, backups (pg_dump) and an operator's psql, besides
# PostgreSQL's own superuser_reserved_connections.
RESERVED_CONNECTIONS = 10


def pool_size(threads: int) -> int:
    return threads + JOB_CONNECTIONS


@dataclass(frozen=True)
class ConnectionBudget:
    processes: int
    per_process: int
    max_connections: int

    @property
    def needed(self) -> int:
        return self.processes * self.per_process

    @property
    def available(self) -> int:
        return self.max_connections - RESERVED_CONNECTIONS

    @property
    def fits(self) -> bool:
        return self.needed <= self.available

    def explain(self) -> str:
        return (
            f"{self.processes} process(es) × {self.per_process} connections = {self.needed}, "
            f"database allows {self.available} (max_connections {self.max_connections} − "
            f"{RESERVED_CONNECTIONS} reserved)"
        )


def budget(processes: int, threads: int, max_connections: int) -> ConnectionBudget:
    return ConnectionBudget(processes, pool_size(threads), max_connections)
