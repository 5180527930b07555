"""One package per provider; each declares itself in ``SPEC`` (see ``providers.registry``)."""
