"""Demo data for each area, called by ``manage.py seed_demo`` after the centers, boards and supervisors exist.

Each module has ``seed(ctx)``, where ``ctx`` is a ``DemoContext`` (see seed_demo); it must be idempotent.
"""
