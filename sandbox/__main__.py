"""``python -m sandbox``: serve the provider sandbox (see ``sandbox.cli``)."""

from sandbox.cli import main

main()
