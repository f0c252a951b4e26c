"""Reading deploy/: render a Kustomize overlay, validate objects, parse the Dockerfile.

Rendering uses ``kubectl kustomize`` (kubectl is on the development and CI machines); without it
the tests fail saying so, rather than pass on an unchecked manifest.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
OVERLAYS = ("dev", "production")
SERVICES = ("intake", "assessment", "investigation", "compliance")

# The Kubernetes version the manifests are checked against: the newest schema set of the pinned
# kubernetes-validate.
KUBERNETES_VERSION = "1.37.0"
# Custom resources, which kubernetes-validate has no schema for: skipped by kind.
CUSTOM_KINDS = frozenset(
    {"Cluster", "ScheduledBackup", "ObjectStore", "ServiceMonitor", "PodMonitor"}
)

Manifest = dict[str, Any]


def kubectl() -> str:
    """The kubectl binary; fails with what to do when there is none."""
    found = shutil.which("kubectl") or (
        "/usr/bin/kubectl" if os.path.exists("/usr/bin/kubectl") else None
    )
    if found is None:
        raise RuntimeError(
            "kubectl is not installed: the deploy/ checks render the Kustomize overlays with "
            "`kubectl kustomize` (install kubectl 1.27 or newer, which bundles Kustomize v5)"
        )
    return found


def render(kustomization_dir: Path) -> list[Manifest]:
    """The objects ``kubectl kustomize <dir>`` renders; raises with its stderr on failure."""
    result = subprocess.run(
        [kubectl(), "kustomize", str(kustomization_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {kustomization_dir} failed:\n{result.stderr}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def name_of(obj: Manifest) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


@dataclass(frozen=True)
class Validation:
    errors: list[str]
    skipped: list[str]


def validate(objects: list[Manifest], version: str = KUBERNETES_VERSION) -> Validation:
    """Validate each object strictly (unknown fields are errors) against ``version``.

    Custom resources (``CUSTOM_KINDS``) are skipped; any other kind without a schema is an error.
    """
    errors: list[str] = []
    skipped: list[str] = []
    for obj in objects:
        if obj.get("kind") in CUSTOM_KINDS:
            skipped.append(name_of(obj))
            continue
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(f"{name_of(obj)}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{name_of(obj)}: {exc.message}")
    return Validation(errors, skipped)


def by_kind(objects: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_spec(obj: Manifest) -> Manifest:
    spec: Manifest = obj["spec"]["template"]["spec"]
    return spec


def containers(obj: Manifest) -> list[Manifest]:
    spec = pod_spec(obj)
    return [*spec.get("initContainers", []), *spec["containers"]]


def config_map_data(objects: list[Manifest], prefix: str) -> dict[str, str]:
    """The data of the generated ConfigMap ``prefix-<hash>``."""
    for obj in objects:
        if obj["kind"] == "ConfigMap" and re.fullmatch(
            rf"{re.escape(prefix)}-[a-z0-9]+", obj["metadata"]["name"]
        ):
            data: dict[str, str] = obj.get("data", {})
            return data
    raise KeyError(prefix)


# ---------------------------------------------------------------------------------------------
# The Dockerfile
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dockerfile:
    text: str
    # The runtime stage's instructions (the last FROM), backslash continuations joined.
    runtime: list[tuple[str, str]]

    def last(self, instruction: str) -> str:
        values = [v for i, v in self.runtime if i == instruction]
        if not values:
            raise KeyError(instruction)
        return values[-1]

    @property
    def cmd(self) -> list[str]:
        """``CMD`` in exec (JSON) form."""
        value = json.loads(self.last("CMD"))
        assert isinstance(value, list)
        return [str(v) for v in value]

    @property
    def healthcheck_cmd(self) -> list[str]:
        spec = self.last("HEALTHCHECK")
        value = json.loads(spec.split(" CMD ", 1)[1])
        return [str(v) for v in value]

    @property
    def env(self) -> dict[str, str]:
        """The runtime stage's ``ENV KEY=value ...`` settings (``$PATH`` left unexpanded)."""
        env: dict[str, str] = {}
        for instruction, value in self.runtime:
            if instruction == "ENV":
                for pair in value.split():
                    key, _, val = pair.partition("=")
                    env[key] = val
        return env

    @property
    def user(self) -> str:
        return self.last("USER")


def dockerfile(path: Path = DEPLOY / "Dockerfile") -> Dockerfile:
    text = path.read_text()
    joined = re.sub(r"\\\n", " ", text)
    stages: list[list[tuple[str, str]]] = [[]]
    for line in joined.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        instruction, _, value = stripped.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            stages.append([])
        stages[-1].append((instruction, " ".join(value.split())))
    return Dockerfile(text, stages[-1])


def service_cmd(service: str) -> list[str]:
    """The image's API command for ``service``: the Dockerfile's CMD with its service swapped."""
    return [part.replace("intake_api.", f"{service}_api.") for part in dockerfile().cmd]


def compose() -> Manifest:
    data: Manifest = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return data
