"""deploy/k8s: each overlay renders, validates against Kubernetes, and holds what the issue asks.

A broken manifest fails the same check (``test_a_broken_overlay_fails_validation``), and a badly
written YAML file fails yamllint (``test_yamllint_fails_on_a_bad_file``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from assessment_api.config import AssessmentSettings
from compliance_api.config import ComplianceSettings
from intake_api.config import IntakeSettings
from shared.config import BaseServiceSettings
from shared.http_api.docs import ASSETS_PATH
from tests.deploy.manifests import (
    CUSTOM_KINDS,
    DEPLOY,
    K8S,
    KUBERNETES_VERSION,
    OVERLAYS,
    ROOT,
    SERVICES,
    Manifest,
    by_kind,
    config_map_data,
    containers,
    name_of,
    pod_spec,
    render,
    service_cmd,
    validate,
)

_rendered: dict[str, list[Manifest]] = {}


def rendered(overlay: str) -> list[Manifest]:
    if overlay not in _rendered:
        _rendered[overlay] = render(K8S / "overlays" / overlay)
    return _rendered[overlay]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_renders_into_its_namespace(overlay: str) -> None:
    objects = rendered(overlay)
    expected = {"dev": "casework-dev", "production": "casework"}[overlay]
    assert objects
    assert {o["metadata"].get("namespace") for o in objects} == {expected}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_validates_against_kubernetes(overlay: str) -> None:
    """Strict: an unknown field is an error too. Only the custom resources are skipped."""
    result = validate(rendered(overlay))
    assert result.errors == [], f"against Kubernetes {KUBERNETES_VERSION}"
    kinds = {name.split("/")[0] for name in result.skipped}
    assert kinds <= CUSTOM_KINDS
    assert "Cluster" in kinds


BROKEN = {
    # A misspelt field (replica for replicas) is silently dropped by kubectl apply: strict
    # validation refuses it.
    "unknown-field": (
        {"kind": "Deployment", "name": "intake-api"},
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: intake-api\nspec:\n"
        "  replica: 3\n",
        "Deployment/intake-api: spec: Additional properties are not allowed ('replica'",
    ),
    "wrong-type": (
        {"kind": "HorizontalPodAutoscaler", "name": "assessment-api"},
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n"
        "  name: assessment-api\nspec:\n  minReplicas: two\n",
        "HorizontalPodAutoscaler/assessment-api: spec.minReplicas: 'two' is not of type 'integer'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_overlay_fails_validation(case: str, tmp_path: Path) -> None:
    """The check is not a rubber stamp: a copy of deploy/k8s with one bad patch fails it."""
    target, patch, expected = BROKEN[case]
    shutil.copytree(K8S, tmp_path / "k8s")
    overlay = tmp_path / "k8s" / "overlays" / "dev"
    (overlay / "broken.yaml").write_text(patch)
    kustomization = overlay / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text()
        + f"  - path: broken.yaml\n    target:\n      kind: {target['kind']}\n"
        f"      name: {target['name']}\n"
    )
    errors = validate(render(overlay)).errors
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_render_reports_a_kustomization_that_does_not_build(tmp_path: Path) -> None:
    shutil.copytree(K8S, tmp_path / "k8s")
    overlay = tmp_path / "k8s" / "overlays" / "production"
    kustomization = overlay / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + "  - path: missing-patch.yaml\n")
    with pytest.raises(RuntimeError, match=r"missing-patch\.yaml"):
        render(overlay)


# ---------------------------------------------------------------------------------------------
# yamllint
# ---------------------------------------------------------------------------------------------


def yamllint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "yamllint",
            "--strict",
            "-c",
            str(ROOT / ".yamllint"),
            "-f",
            "parsable",
        ]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def test_yamllint_passes_on_deploy() -> None:
    result = yamllint(DEPLOY)
    assert result.returncode == 0, result.stdout + result.stderr


def test_yamllint_fails_on_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x  \n")
    result = yamllint(bad)
    assert result.returncode != 0
    assert "duplication of key" in result.stdout
    assert "trailing spaces" in result.stdout


# ---------------------------------------------------------------------------------------------
# What each overlay holds
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_its_objects(overlay: str) -> None:
    objects = rendered(overlay)
    for service in SERVICES:
        name = f"{service}-api"
        for kind in (
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler",
            "NetworkPolicy",
            "ServiceMonitor",
        ):
            assert name in by_kind(objects, kind), f"{kind}/{name} missing in {overlay}"
        job = by_kind(objects, "Job")[f"{name}-migrate"]
        hpa = by_kind(objects, "HorizontalPodAutoscaler")[name]
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        # The HPA owns the replica count: a Deployment that sets it would be reset by each apply.
        assert "replicas" not in by_kind(objects, "Deployment")[name]["spec"]
        monitor = by_kind(objects, "ServiceMonitor")[name]
        assert monitor["spec"]["endpoints"] == [
            {"port": "http", "path": "/metrics", "interval": "30s"}
        ]
        assert by_kind(objects, "Service")[name]["spec"]["ports"][0]["name"] == "http"
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_the_relay_runs_apart_exactly_where_the_api_is_told_so() -> None:
    """Production: intake's relay is a Deployment and the API has INTAKE_RELAY_IN_PROCESS=false;
    dev: the relay runs inside the API and there is no relay Deployment."""
    for overlay, apart in (("dev", False), ("production", True)):
        objects = rendered(overlay)
        settings = config_map_data(objects, "casework-intake-api")
        assert settings["INTAKE_RELAY_IN_PROCESS"] == ("false" if apart else "true")
        relays = {
            name: d
            for name, d in by_kind(objects, "Deployment").items()
            if d["spec"]["selector"]["matchLabels"].get("app.kubernetes.io/component") == "relay"
        }
        assert set(relays) == ({"intake-relay"} if apart else set()), overlay
    relay = by_kind(rendered("production"), "Deployment")["intake-relay"]
    main = pod_spec(relay)["containers"][0]
    assert main["command"] == ["python", "-m", "intake_api.relay"]
    env = {e["name"]: e.get("value") for e in main["env"]}
    assert env["INTAKE_RELAY_METRICS_HOST"] == "0.0.0.0"
    assert relay["spec"]["replicas"] == 2  # one delivers, one stands by (advisory lock)
    assert "intake-relay" in by_kind(rendered("production"), "PodMonitor")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_locked_down(overlay: str) -> None:
    """runAsNonRoot, read-only root filesystem, no privilege escalation, no capabilities,
    resources; and the API containers' probes on /health/live and /health/ready."""
    workloads = [o for o in rendered(overlay) if o["kind"] in ("Deployment", "Job")]
    assert len(workloads) >= 9
    for obj in workloads:
        spec = pod_spec(obj)
        assert spec["securityContext"]["runAsNonRoot"] is True, name_of(obj)
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["automountServiceAccountToken"] is False, name_of(obj)
        for container in containers(obj):
            where = f"{name_of(obj)} {container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"] == {"drop": ["ALL"]}, where
            assert container["resources"]["requests"]["memory"], where
            assert container["resources"]["limits"]["memory"], where
            if container["name"] == "api":
                assert container["livenessProbe"]["httpGet"]["path"] == "/health/live", where
                assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready", where


SECRET_NAME = re.compile(r"PASSWORD|SECRET|PRIVATE|CREDENTIAL", re.IGNORECASE)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_referenced_never_inlined(overlay: str) -> None:
    objects = rendered(overlay)
    assert by_kind(objects, "Secret") == {}
    for obj in objects:
        if obj["kind"] == "ConfigMap":
            assert not [k for k in obj.get("data", {}) if SECRET_NAME.search(k)], name_of(obj)
        if obj["kind"] not in ("Deployment", "Job"):
            continue
        for container in containers(obj):
            for env in container.get("env", []):
                if SECRET_NAME.search(env["name"]):
                    assert "secretKeyRef" in env.get("valueFrom", {}), (name_of(obj), env["name"])
                # A database URL carries its password by reference to a Secret's key.
                if env["name"].endswith("DATABASE_URL"):
                    password = urlsplit(env["value"]).password
                    assert password == "$(DB_PASSWORD)", (name_of(obj), env["name"])


def test_migration_jobs_run_as_the_migration_role_and_grant_the_runtime_role() -> None:
    for overlay in OVERLAYS:
        jobs = by_kind(rendered(overlay), "Job")
        for service in SERVICES:
            job = jobs[f"{service}-api-migrate"]
            (container,) = pod_spec(job)["containers"]
            assert container["command"] == [
                "alembic", "-c", f"services/{service}-api/alembic.ini", "upgrade", "head",
            ]  # fmt: skip
            assert (ROOT / container["command"][2]).is_file()
            env = {e["name"]: e for e in container["env"]}
            prefix = service.upper()
            url = urlsplit(env[f"{prefix}_MIGRATION_DATABASE_URL"]["value"])
            assert url.username == f"{service}_migrator"
            assert url.path == f"/casework_{service}"
            assert env[f"{prefix}_DB_RUNTIME_ROLE"]["value"] == f"{service}_runtime"
            password = env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]
            assert password == {"name": f"casework-db-{service}-migrator", "key": "password"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_new_pods_wait_for_their_migration(overlay: str) -> None:
    """Each API and relay pod starts with the schema gate on its own service's migrations,
    connected as the runtime role, like the main container."""
    for name, deployment in by_kind(rendered(overlay), "Deployment").items():
        spec = pod_spec(deployment)
        (gate,) = spec["initContainers"]
        service = deployment["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        short = service.removesuffix("-api")
        assert gate["command"] == [
            "python", "-m", "shared.schema_gate", "--alembic-ini",
            f"services/{service}/alembic.ini", "--url-env", f"{short.upper()}_DATABASE_URL",
            "--timeout", "900",
        ], name  # fmt: skip
        gate_env = {e["name"]: e for e in gate["env"]}
        main_env = {e["name"]: e for e in spec["containers"][0]["env"]}
        for key in ("DB_PASSWORD", f"{short.upper()}_DATABASE_URL"):
            assert gate_env[key] == main_env[key], (name, key)
        strategy = deployment["spec"].get("strategy", {}).get("rollingUpdate")
        if strategy is not None:
            assert strategy["maxUnavailable"] == 0, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_containers_run_the_image_command(overlay: str) -> None:
    """The Deployment's command is the Dockerfile's CMD for that service (tests/deploy/
    test_image_command.py starts that CMD for real)."""
    for service in SERVICES:
        deployment = by_kind(rendered(overlay), "Deployment")[f"{service}-api"]
        (api,) = pod_spec(deployment)["containers"]
        assert api["command"] == service_cmd(service)
        assert api["image"].startswith("registry.example.org/casework/casework:")
        assert api["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]


# ---------------------------------------------------------------------------------------------
# Who reaches what: the ingress and the network policies
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_routes_only_the_public_api_and_its_docs(overlay: str) -> None:
    (ingress,) = by_kind(rendered(overlay), "Ingress").values()
    hosts = set()
    for rule in ingress["spec"]["rules"]:
        hosts.add(rule["host"])
        paths = {(p["path"], p["pathType"]) for p in rule["http"]["paths"]}
        assert paths == {
            ("/v1", "Prefix"),
            ("/docs", "Prefix"),
            ("/redoc", "Prefix"),
            (ASSETS_PATH, "Prefix"),  # the docs pages' own assets, served by the app
            ("/openapi.json", "Exact"),
        }
        backends = {p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
        assert len(backends) == 1
        assert rule["host"].split(".", 1)[0] + "-api" == backends.pop()
    assert hosts == set(ingress["spec"]["tls"][0]["hosts"])
    assert len(hosts) == len(SERVICES)


def subscriber_edges(objects: list[Manifest]) -> set[tuple[str, str]]:
    """(caller, callee) for every subscriber URL and every peer URL (``<P>_*_URL`` naming
    another service's Service) in the services' configuration."""
    edges = set()
    names = {f"{s}-api" for s in SERVICES}
    for service in SERVICES:
        data = config_map_data(objects, f"casework-{service}-api")
        raw = data.get(f"{service.upper()}_SUBSCRIBERS")
        for sub in json.loads(raw).values() if raw else ():
            edges.add((f"{service}-api", str(urlsplit(sub["url"]).hostname)))
        for key, value in data.items():
            host = urlsplit(value).hostname if key.endswith("_URL") else None
            if host in names:
                edges.add((f"{service}-api", str(host)))
    return edges


def allowed_sources(policy: Manifest) -> tuple[set[str], set[str]]:
    """The namespaces and the pods (by app.kubernetes.io/name) a policy lets in on port 8000."""
    namespaces: set[str] = set()
    pods: set[str] = set()
    for rule in policy["spec"]["ingress"]:
        assert rule["ports"] == [{"protocol": "TCP", "port": 8000}]
        for source in rule["from"]:
            assert set(source) <= {"namespaceSelector", "podSelector"}
            if "namespaceSelector" in source:
                namespaces.add(
                    source["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                )
            else:
                pods.add(source["podSelector"]["matchLabels"]["app.kubernetes.io/name"])
    return namespaces, pods


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_let_in_the_ingress_monitoring_and_relay_peers_only(overlay: str) -> None:
    objects = rendered(overlay)
    policies = by_kind(objects, "NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}
    edges = subscriber_edges(objects)
    assert {
        ("intake-api", "assessment-api"),
        ("intake-api", "compliance-api"),
        ("assessment-api", "intake-api"),
        ("assessment-api", "compliance-api"),
        ("assessment-api", "investigation-api"),
        ("compliance-api", "assessment-api"),
    } == edges
    for service in SERVICES:
        name = f"{service}-api"
        namespaces, pods = allowed_sources(policies[name])
        assert namespaces == {"ingress-nginx", "monitoring"}, name
        assert pods == {producer for producer, subscriber in edges if subscriber == name}, name


def test_the_relay_and_the_database_let_in_only_whom_they_serve() -> None:
    policies = by_kind(rendered("production"), "NetworkPolicy")
    relay = policies["intake-relay"]["spec"]
    assert relay["ingress"] == [
        {
            "from": [
                {
                    "namespaceSelector": {
                        "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
                    }
                }
            ],
            "ports": [{"protocol": "TCP", "port": 9100}],
        }
    ]
    db = policies["casework-db"]["spec"]
    assert db["podSelector"] == {"matchLabels": {"cnpg.io/cluster": "casework-db"}}
    postgres_sources = db["ingress"][0]["from"]
    assert {
        "podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "casework"}}
    } in postgres_sources


@pytest.mark.parametrize(
    ("service", "settings_cls"),
    [
        ("intake", IntakeSettings),
        ("assessment", AssessmentSettings),
        ("compliance", ComplianceSettings),
    ],
)
def test_subscribers_carry_the_services_default_event_types(
    service: str, settings_cls: type[BaseServiceSettings]
) -> None:
    """The deployed subscriber list is the code's default, moved onto the Service names."""
    default = settings_cls.model_fields["subscribers"].default_factory
    assert default is not None
    expected = {name: sub.model_dump() for name, sub in default().items()}  # type: ignore[call-arg]
    assert expected, f"{service} has no default subscribers"
    for overlay in OVERLAYS:
        data = config_map_data(rendered(overlay), f"casework-{service}-api")
        deployed = json.loads(data[f"{service.upper()}_SUBSCRIBERS"])
        assert set(deployed) == set(expected)
        for name, sub in deployed.items():
            assert sub["url"] == f"http://{name}:8000/internal/events"
            assert sub["audience"] == expected[name]["audience"]
            assert sub["event_types"] == expected[name]["event_types"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_peer_url_setting_is_deployed(overlay: str) -> None:
    """Each setting that points a service at another (its ``*_url`` fields) is set in the
    deployment: the code's 127.0.0.1 defaults are for ``make run`` only."""
    for service, settings_cls in (
        ("intake", IntakeSettings), ("assessment", AssessmentSettings),
        ("compliance", ComplianceSettings),
    ):  # fmt: skip
        data = config_map_data(rendered(overlay), f"casework-{service}-api")
        for field in settings_cls.model_fields:
            if field.endswith("_url") and field not in ("database_url", "migration_database_url"):
                if field in ("jwt_jwks_url", "service_token_url"):
                    continue  # the identity provider's: set per environment from its Secret
                assert f"{service.upper()}_{field.upper()}" in data, (overlay, service, field)


# ---------------------------------------------------------------------------------------------
# PostgreSQL: the CloudNativePG Cluster
# ---------------------------------------------------------------------------------------------


def test_production_postgres_is_three_instances_with_backups() -> None:
    objects = rendered("production")
    cluster = by_kind(objects, "Cluster")["casework-db"]["spec"]
    assert cluster["instances"] == 3
    assert cluster["postgresql"]["synchronous"] == {"method": "any", "number": 1}
    (plugin,) = cluster["plugins"]
    assert plugin["name"] == "barman-cloud.cloudnative-pg.io"
    assert plugin["isWALArchiver"] is True
    store = by_kind(objects, "ObjectStore")[plugin["parameters"]["barmanObjectName"]]
    credentials = store["spec"]["configuration"]["s3Credentials"]
    assert set(credentials["accessKeyId"]) == {"name", "key"}  # a Secret reference
    assert set(credentials["secretAccessKey"]) == {"name", "key"}
    (backup,) = by_kind(objects, "ScheduledBackup").values()
    assert backup["spec"]["cluster"] == {"name": "casework-db"}
    assert backup["spec"]["method"] == "plugin"
    assert by_kind(rendered("dev"), "Cluster")["casework-db"]["spec"]["instances"] == 1


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_a_migration_and_a_runtime_login_role(overlay: str) -> None:
    cluster = by_kind(rendered(overlay), "Cluster")["casework-db"]["spec"]
    roles = {r["name"]: r for r in cluster["managed"]["roles"]}
    assert set(roles) == {f"{s}_{kind}" for s in SERVICES for kind in ("migrator", "runtime")}
    for name, role in roles.items():
        assert role["login"] is True
        for power in ("superuser", "createdb", "createrole", "replication", "bypassrls"):
            assert role[power] is False, (name, power)
        assert role["passwordSecret"] == {"name": "casework-db-" + name.replace("_", "-")}
    assert cluster["bootstrap"]["initdb"]["owner"] == "intake_migrator"
    sql = (K8S / "base/database/databases.sql").read_text()
    for service in SERVICES:
        assert f"('casework_{service}', '{service}_migrator')" in sql
        assert f"REVOKE ALL ON DATABASE casework_{service} FROM PUBLIC;" in sql
        assert f"GRANT CONNECT ON DATABASE casework_{service} TO {service}_runtime;" in sql
    setup = by_kind(rendered(overlay), "Job")["casework-db-setup"]
    assert pod_spec(setup)["containers"][0]["command"][-1] == "--file=/sql/databases.sql"


def test_every_secret_the_manifests_need_is_listed_in_the_readme() -> None:
    """deploy/README.md names every Secret the production overlay references."""
    objects = rendered("production")
    names: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("secretKeyRef", "secretRef") and isinstance(value, dict):
                    names.add(value["name"])
                elif key in ("secretName", "passwordSecret", "superuserSecret", "secret"):
                    names.add(value if isinstance(value, str) else value["name"])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(objects)
    for obj in by_kind(objects, "ObjectStore").values():
        names.update(ref["name"] for ref in obj["spec"]["configuration"]["s3Credentials"].values())
    readme = (DEPLOY / "README.md").read_text()
    patterns = {
        re.sub(r"(intake|assessment|investigation|compliance)", "<service>", n) for n in names
    }
    missing = sorted(p for p in patterns if f"`{p}`" not in readme)
    assert missing == []
