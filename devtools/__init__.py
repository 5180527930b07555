"""Development-only tools: the demo provider accounts read from the sandbox.

Never installed in production (not in the wheel; in ``INSTALLED_APPS`` only with
``DEBUG``). It may import anything; production code imports nothing from it.
"""
