"""The sandbox's shared machinery: control endpoints, faults, persistence."""

from __future__ import annotations

import json

import httpx
import pytest

from sandbox import build_sandbox
from sandbox.core import FaultConfig, parse_fault_option


def test_unknown_path_is_a_json_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"


def test_faults_are_set_and_read_back_through_the_control_endpoint(client):
    response = client.post("/_sandbox/faults", json={"seed": 7, "thia": {"error_rate": 1}})
    assert response.status_code == 200
    assert response.json()["providers"]["thia"]["error_rate"] == 1.0
    assert response.json()["seed"] == 7


@pytest.mark.parametrize(
    "body",
    [{"nope": {}}, {"thia": {"error_rate": 2}}, {"thia": {"bogus": 1}}, {"thia": "x"}],
)
def test_bad_fault_settings_are_refused_with_400(client, body):
    assert client.post("/_sandbox/faults", json=body).status_code == 400


def test_fault_option_parsing():
    assert parse_fault_option("thia:error_rate=0.5,latency_ms=10") == (
        "thia",
        {"error_rate": "0.5", "latency_ms": "10"},
    )
    with pytest.raises(ValueError):
        parse_fault_option("thia")
    assert FaultConfig.from_dict({"latency_ms": "10"}).latency_ms == 10


def test_state_survives_a_restart_and_reset_restores_the_seed(tmp_path):
    path = tmp_path / "state.json"
    first = build_sandbox(state_path=path)
    first.store.data["providers"]["thia"]["marker"] = "booked"
    first.store.dirty = True
    first.store.save()
    second = build_sandbox(state_path=path)
    assert second.store.data["providers"]["thia"]["marker"] == "booked"
    second.store.reset()
    assert "marker" not in build_sandbox(state_path=path).store.data["providers"]["thia"]
    assert json.loads(path.read_text())["today"]


def test_rate_limit_burst_answers_429_with_retry_after_then_recovers(client, sandbox):
    sandbox.apply_faults({"workways": {"rate_limit_burst": 2, "retry_after": 3}})
    # any workways path: the fault fires before routing to the handler
    paths = [r.rule for r in sandbox.url_map.iter_rules() if r.rule.startswith("/workways")]
    if not paths:
        pytest.skip("workways routes not written yet")
    first = client.get(paths[0])
    assert first.status_code == 429
    assert first.headers["Retry-After"] == "3"
    assert client.get(paths[0]).status_code == 429
    assert client.get(paths[0]).status_code != 429


def test_hang_fault_outlasts_a_client_timeout(live_sandbox):
    live_sandbox.apply_faults({"fourspaces": {"hang_rate": 1, "hang_seconds": 2}})
    with pytest.raises(httpx.TimeoutException):
        httpx.get(f"{live_sandbox.base_url}/4spaces/organization/details", timeout=0.3)


def test_a_slow_answer_is_carried_out_before_the_client_gives_up(live_sandbox):
    live_sandbox.apply_faults({"fourspaces": {"slow_answer_ms": 1500}})
    with pytest.raises(httpx.TimeoutException):
        httpx.get(f"{live_sandbox.base_url}/4spaces/organization/details", timeout=0.3)
    assert live_sandbox.faults.by_provider["fourspaces"].slow_answer_ms == 1500


def test_print_config_lists_the_thia_non_partner_pair_that_answers_403(sandbox, client):
    cfg = sandbox.print_config("http://127.0.0.1:8001")
    pair = cfg["thia_non_partner"]
    assert all(space["api_key"] != pair["api_key"] for space in cfg["thia"])
    response = client.get(
        "/thia/api/v1/partner/space",
        headers={"X-API-Key": pair["api_key"], "X-API-Secret": pair["api_secret"]},
    )
    assert response.status_code == 403
    assert response.json()["error"] == "Access denied"
