"""The provider sandbox's machinery: one WSGI app, a persistent state, fault injection.

Each provider lives in its own module (``thia``, ``workways``, ``zentry``, ``fourspaces``)
that exposes a :class:`ProviderSpec`: its URL prefix, its routes, its seed data and its
part of ``--print-config``. This module owns everything they share:

* ``Sandbox`` — the WSGI app. It routes ``/<prefix>/...`` to the provider's handler,
  applies that provider's faults first, runs handlers one at a time under a lock (they
  are quick; latency faults sleep outside the lock) and saves the state after every
  request that changed it.
* ``Store`` — the state: one JSON document per provider, kept in a file so it survives a
  restart; ``reset()`` rebuilds it from the seed functions (relative to today).
* ``FaultConfig`` — per-provider latency, 5xx share, 429 bursts, hangs, malformed bodies;
  deterministic under a seed. Set through ``SANDBOX_FAULTS`` (JSON), the command's
  ``--fault`` option, or ``POST /_sandbox/faults``.

Handlers have the signature ``handler(ctx: Context, request: Request, **url_values)`` and
return a werkzeug ``Response`` (use :func:`json_response`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

logger = logging.getLogger("sandbox")

Handler = Callable[..., Response]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )


def read_json(request: Request) -> Any:
    """The request's JSON body, or ``None`` when it is missing or not JSON."""
    data = request.get_data(cache=True)
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


@dataclasses.dataclass
class ProviderSpec:
    """What a provider module hands the sandbox."""

    name: str  # "thia", "workways", "zentry", "fourspaces"
    # (full path as a werkzeug rule, handler, methods), e.g.
    # ("/thia/api/v1/partner/space", space, ["GET"]) or
    # ("/zentry/checkins/Reservation/<id>/approve", approve, ["PUT"])
    routes: list[tuple[str, Handler, list[str]]]
    seed: Callable[[dt.date], dict]  # JSON-able state for this provider, relative to today
    config: Callable[[str, dict], Any]  # (base URL of the sandbox, state) -> print-config
    # extra top-level print-config keys (test credentials that are not a portal account)
    extra_config: Callable[[str, dict], dict] | None = None


@dataclasses.dataclass
class Context:
    """What a handler receives besides the request."""

    sandbox: Sandbox
    provider: str
    state: dict  # this provider's state: mutate it, the sandbox saves it
    now: Callable[[], dt.datetime]  # aware UTC "now" (tests may move the clock)
    today: dt.date  # the date the seed data is relative to
    memory: dict  # this provider's runtime scratch space, not saved (rate-limit counters)

    def mark_changed(self) -> None:
        self.sandbox.store.dirty = True


# Stands for "this sandbox" in seed data (photo URLs of Zentry and 4Spaces, written before
# any request says on which host and port the sandbox runs); ".invalid" never resolves.
SELF_ORIGIN = "http://sandbox.invalid"
TEXT_TYPES = ("application/json", "application/xml", "text/")


def localize(response: Response, request: Request) -> Response:
    """Rewrite ``SELF_ORIGIN`` to the origin the request came to, in a text answer."""
    if not response.mimetype or not response.mimetype.startswith(TEXT_TYPES):
        return response
    if response.direct_passthrough or response.is_streamed:
        return response
    body = response.get_data()
    marker = SELF_ORIGIN.encode()
    if marker in body:
        response.set_data(body.replace(marker, request.host_url.rstrip("/").encode()))
    return response


# --- Faults ---------------------------------------------------------------------------


@dataclasses.dataclass
class FaultConfig:
    """Faults for one provider. Shares are probabilities between 0 and 1."""

    latency_ms: int = 0  # added to every answer
    error_rate: float = 0.0  # share of answers replaced by a 500/502/503
    rate_limit_burst: int = 0  # the next N requests answer 429 (then back to normal)
    rate_limit_rate: float = 0.0  # share of answers replaced by a 429
    retry_after: int = 1  # seconds, in Retry-After of injected 429s
    hang_rate: float = 0.0  # share of requests that hang for hang_seconds
    hang_seconds: float = 30.0
    malformed_rate: float = 0.0  # share of answers whose body is not what was documented
    # the request is carried out (state saved), then the answer is held back: a client
    # that gives up (or dies) meanwhile does not know its booking went through
    slow_answer_ms: int = 0

    FIELDS = (
        "latency_ms",
        "error_rate",
        "rate_limit_burst",
        "rate_limit_rate",
        "retry_after",
        "hang_rate",
        "hang_seconds",
        "malformed_rate",
        "slow_answer_ms",
    )

    @classmethod
    def from_dict(cls, data: dict) -> FaultConfig:
        unknown = set(data) - set(cls.FIELDS)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        config = cls()
        for key, value in data.items():
            kind = type(getattr(config, key))
            try:
                setattr(config, key, kind(value))
            except (TypeError, ValueError):
                raise ValueError(
                    f"fault setting {key}={value!r} is not a {kind.__name__}"
                ) from None
        for key in ("error_rate", "rate_limit_rate", "hang_rate", "malformed_rate"):
            if not 0.0 <= getattr(config, key) <= 1.0:
                raise ValueError(f"fault setting {key} must be between 0 and 1")
        return config

    def active(self) -> bool:
        return self != FaultConfig()


def parse_fault_option(option: str) -> tuple[str, dict]:
    """``"thia:error_rate=0.5,latency_ms=200"`` -> ``("thia", {...})``."""
    provider, _, settings = option.partition(":")
    if not provider or not settings:
        raise ValueError(f"--fault {option!r}: use provider:key=value[,key=value]")
    values: dict[str, str] = {}
    for pair in settings.split(","):
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--fault {option!r}: {pair!r} is not key=value")
        values[key.strip()] = value.strip()
    return provider.strip(), values


class Faults:
    """Fault settings of every provider plus one seeded random generator."""

    def __init__(self, seed: int = 0) -> None:
        self.lock = threading.Lock()
        self.by_provider: dict[str, FaultConfig] = {}
        self.reseed(seed)

    def reseed(self, seed: int) -> None:
        self.seed = seed
        self.random = random.Random(seed)

    def configure(self, provider: str, data: dict) -> None:
        with self.lock:
            self.by_provider[provider] = FaultConfig.from_dict(data)

    def clear(self) -> None:
        with self.lock:
            self.by_provider.clear()

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "providers": {name: dataclasses.asdict(cfg) for name, cfg in self.by_provider.items()},
        }

    def decide(self, provider: str) -> tuple[FaultConfig, str | None]:
        """Which fault (if any) hits this request: None, "hang", "429", "5xx", "malformed"."""
        with self.lock:
            cfg = self.by_provider.get(provider)
            if cfg is None or not cfg.active():
                return FaultConfig(), None
            if cfg.rate_limit_burst > 0:
                cfg.rate_limit_burst -= 1
                return cfg, "429"
            roll = self.random.random
            if cfg.hang_rate and roll() < cfg.hang_rate:
                return cfg, "hang"
            if cfg.rate_limit_rate and roll() < cfg.rate_limit_rate:
                return cfg, "429"
            if cfg.error_rate and roll() < cfg.error_rate:
                return cfg, "5xx"
            if cfg.malformed_rate and roll() < cfg.malformed_rate:
                return cfg, "malformed"
            return cfg, None

    def pick_status(self) -> int:
        with self.lock:
            return self.random.choice([500, 502, 503])


# --- State ----------------------------------------------------------------------------


class Store:
    """Every provider's state as JSON, saved atomically to ``path`` (``None``: memory)."""

    def __init__(self, path: Path | None, seeders: dict[str, Callable[[dt.date], dict]]):
        self.path = path
        self.seeders = seeders
        self.lock = threading.RLock()
        self.dirty = False
        self.data: dict[str, Any] = {}
        if path is not None and path.exists():
            try:
                self.data = json.loads(path.read_text())
            except ValueError:
                logger.warning("sandbox state %s is unreadable; starting from seed data", path)
                self.data = {}
        if not self.data or "today" not in self.data:
            self.reset()
            return
        # a provider added (or left empty) since the file was written gets its seed data
        providers = self.data.setdefault("providers", {})
        for name, seed in seeders.items():
            if not providers.get(name):
                providers[name] = seed(self.today)
                self.dirty = True
        for name in set(providers) - set(seeders):
            del providers[name]
            self.dirty = True
        self.save()

    @property
    def today(self) -> dt.date:
        return dt.date.fromisoformat(self.data["today"])

    def reset(self, today: dt.date | None = None) -> None:
        with self.lock:
            today = today or dt.date.today()
            self.data = {
                "today": today.isoformat(),
                "providers": {name: seed(today) for name, seed in self.seeders.items()},
            }
            self.dirty = True
            self.save()

    def save(self) -> None:
        with self.lock:
            if not self.dirty:
                return
            self.dirty = False
            if self.path is None:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".sandbox-", suffix=".json")
            with os.fdopen(fd, "w") as handle:
                json.dump(self.data, handle, default=str)
            os.replace(tmp, self.path)


# --- The app --------------------------------------------------------------------------

MALFORMED_BODIES = [
    b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    b'{"data": [',
    b"null",
    b'{"unexpected": true}',
]


class Sandbox:
    """The WSGI app serving every provider under its prefix, plus ``/_sandbox/`` control."""

    def __init__(
        self,
        specs: list[ProviderSpec],
        state_path: Path | None = None,
        fault_seed: int = 0,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.store = Store(state_path, {spec.name: spec.seed for spec in specs})
        self.faults = Faults(fault_seed)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.memory: dict[str, dict] = {spec.name: {} for spec in specs}
        rules = [
            Rule("/_sandbox/faults", endpoint=("_control", "faults"), methods=["GET", "POST"]),
            Rule("/_sandbox/reset", endpoint=("_control", "reset"), methods=["POST"]),
            Rule("/_sandbox/state", endpoint=("_control", "state"), methods=["GET"]),
            Rule("/_sandbox/config", endpoint=("_control", "config"), methods=["GET"]),
        ]
        for spec in specs:
            for path, handler, methods in spec.routes:
                rules.append(
                    Rule(path, endpoint=(spec.name, handler), methods=methods, strict_slashes=False)
                )
        self.url_map = Map(rules, merge_slashes=False)

    # Print-config ----------------------------------------------------------------------
    def print_config(self, base_url: str) -> dict:
        base_url = base_url.rstrip("/")
        providers = self.store.data["providers"]
        config = {name: spec.config(base_url, providers[name]) for name, spec in self.specs.items()}
        for name, spec in self.specs.items():
            if spec.extra_config is not None:
                config.update(spec.extra_config(base_url, providers[name]))
        return config

    # WSGI ------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            (provider, handler), values = adapter.match()
        except NotFound:
            return json_response({"error": "Not Found", "message": "No such endpoint"}, 404)
        except MethodNotAllowed:
            return json_response(
                {"error": "Method Not Allowed", "message": f"{request.method} is not allowed"},
                405,
            )
        except HTTPException as exc:  # e.g. a redirect for a trailing slash
            return exc.get_response(request.environ)
        if provider == "_control":
            return self.control(handler, request)

        if request.path.startswith("/_sandbox/"):
            # a provider's control endpoint (not in its document): no injected faults
            fault_cfg, fault = FaultConfig(), None
        else:
            fault_cfg, fault = self.faults.decide(provider)
        if fault_cfg.latency_ms:
            time.sleep(fault_cfg.latency_ms / 1000)
        if fault == "hang":
            time.sleep(fault_cfg.hang_seconds)
            return Response("", status=504)
        if fault == "429":
            return json_response(
                {"error": "Too Many Requests", "message": "Injected rate limit (sandbox fault)"},
                429,
                headers={"Retry-After": str(fault_cfg.retry_after)},
            )
        if fault == "5xx":
            status = self.faults.pick_status()
            return Response(
                f"<html><body><h1>{status} Server Error</h1></body></html>",
                status=status,
                content_type="text/html",
            )

        with self.store.lock:
            ctx = Context(
                sandbox=self,
                provider=provider,
                state=self.store.data["providers"][provider],
                now=self.clock,
                today=self.store.today,
                memory=self.memory[provider],
            )
            try:
                response = handler(ctx, request, **values)
            except Exception:  # a bug in a handler must not kill the server
                logger.exception("sandbox handler %s failed", getattr(handler, "__name__", handler))
                response = json_response(
                    {"error": "Internal Server Error", "message": "Sandbox handler failed"}, 500
                )
            if request.method != "GET":
                self.store.dirty = True
            self.store.save()

        response = localize(response, request)
        if fault_cfg.slow_answer_ms:
            time.sleep(fault_cfg.slow_answer_ms / 1000)
        if fault == "malformed":
            with self.faults.lock:
                body = self.faults.random.choice(MALFORMED_BODIES)
            response.set_data(body)
        return response

    # Control endpoints -----------------------------------------------------------------
    def control(self, action: str, request: Request) -> Response:
        if action == "faults":
            if request.method == "POST":
                body = read_json(request)
                if not isinstance(body, dict):
                    return json_response({"error": "Send a JSON object"}, 400)
                try:
                    self.apply_faults(body)
                except ValueError as exc:
                    return json_response({"error": str(exc)}, 400)
            return json_response(self.faults.as_dict())
        if action == "reset":
            body = read_json(request) or {}
            today = body.get("today") if isinstance(body, dict) else None
            try:
                self.store.reset(dt.date.fromisoformat(today) if today else None)
            except ValueError:
                return json_response({"error": "today must be YYYY-MM-DD"}, 400)
            self.faults.clear()
            for scratch in self.memory.values():
                scratch.clear()
            return json_response({"reset": True, "today": self.store.data["today"]})
        if action == "state":
            with self.store.lock:
                return localize(json_response(self.store.data), request)
        if action == "config":
            return json_response(self.print_config(request.host_url))
        return json_response({"error": "Not Found"}, 404)

    def apply_faults(self, body: dict) -> None:
        """``{"seed": 1, "clear": true, "thia": {"error_rate": 0.5}, ...}``."""
        if body.get("clear"):
            self.faults.clear()
        if "seed" in body:
            self.faults.reseed(int(body["seed"]))
        for name, settings in body.items():
            if name in {"seed", "clear"}:
                continue
            if name not in self.specs:
                raise ValueError(f"unknown provider {name!r}")
            if not isinstance(settings, dict):
                raise ValueError(f"faults for {name} must be an object")
            self.faults.configure(name, settings)


def load_env_faults(sandbox: Sandbox, raw: str | None = None) -> None:
    """Apply ``SANDBOX_FAULTS`` (a JSON object, as for ``POST /_sandbox/faults``)."""
    raw = os.environ.get("SANDBOX_FAULTS", "") if raw is None else raw
    if not raw.strip():
        return
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"SANDBOX_FAULTS is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ValueError("SANDBOX_FAULTS must be a JSON object")
    sandbox.apply_faults(body)
