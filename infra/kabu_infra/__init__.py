"""kabu-trade on AWS as a CDK v2 app: one stack per tier (personal, multi-user, standard).

Each concern has its own module (network, database, web, compute, containers, monitoring, backups,
parameters, registry); ``stack.py`` composes them per tier, ``prices.py``/``cost.py`` estimate the
monthly bill from the synthesised template and ``cost_guard.py`` keeps the free tiers free.
"""
