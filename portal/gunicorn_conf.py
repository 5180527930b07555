"""gunicorn's settings for the portal: ``gunicorn portal.wsgi --config python:portal.gunicorn_conf``
(the Procfile's web line; a module, not a file beside the code, so an installed wheel has it).

Production wants an access log: one line per request on stdout, in gunicorn's usual
format, where the process manager collects it. Member calendar feeds are fetched by URL
with a secret token in it, so the access and error logs go through the same filter as
Django's loggers (``portal.log_redaction``): the token is cut to its first characters.
The bind address, workers and threads stay on the command line (the Procfile's
``WEB_PORT``, ``WEB_CONCURRENCY``, ``WEB_THREADS``).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from portal.log_redaction import FILTER

accesslog = "-"


class RedactingLogger(Logger):
    """gunicorn's logger with feed tokens cut from every access and error line."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(FILTER)  # the same instance each time: a reload adds nothing


logger_class = RedactingLogger
