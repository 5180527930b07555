from __future__ import annotations

import os
import socket

from celery import shared_task


@shared_task(name="portal.ping")
def ping(token: str) -> dict:
    """Answer with the token and who ran it: proves a worker is consuming the broker."""
    return {"token": token, "host": socket.gethostname(), "pid": os.getpid()}
