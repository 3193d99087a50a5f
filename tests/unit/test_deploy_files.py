"""The deployment files: compose checked against the Compose Specification, the Helm chart rendered and
checked against Kubernetes' schemas, all linted, and every process given real modules and real settings."""

from __future__ import annotations

import importlib.util
import re
import secrets
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
from ruamel.yaml import YAML
from yamllint import linter  # type: ignore[import-untyped]
from yamllint.config import YamlLintConfig  # type: ignore[import-untyped]

from tests.certificates import make_certs, openssl
from tests.unit.helm_templates import Chart, TemplateError, documents
from usecases.embedded import UI_PATH
from usecases.settings import Settings, load_settings
from web.config import WebSettings, load_web_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
CHART = DEPLOY / "helm" / "palermo"
BIN = Path(sys.executable).parent
PROCESSES = ("worker", "projector", "web")
KUBERNETES = "1.30"
LINT = YamlLintConfig("{extends: default, rules: {line-length: {max: 110}, document-start: disable}}")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def setting_names() -> set[str]:
    """Every variable a Palermo process reads: PALERMO_* (usecases.settings), PALERMO_WEB_* (the web's)."""
    return {f"PALERMO_{name.upper()}" for name in Settings.model_fields} | {
        f"PALERMO_WEB_{name.upper()}" for name in WebSettings.model_fields
    }


@cache
def example_env() -> dict[str, str]:
    """deploy/palermo.env.example with its secrets filled in, as an operator would (once per run)."""
    filled = {}
    for line in (DEPLOY / "palermo.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            filled[name] = value or secrets.token_hex(32)
    return filled


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}; a missing required variable raises."""

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        value = env.get(name, "")
        if operator in (":-", "-"):
            return value or argument
        if operator in (":?", "?") and not value:
            raise KeyError(f"{name}: {argument}")
        return value

    return VARIABLE.sub(one, text)


def compose(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe", pure=True).load(
        interpolate(COMPOSE.read_text(), example_env() if env is None else env)
    )
    return loaded


def lint(text: str) -> list[str]:
    return [f"{problem.line}: {problem.message}" for problem in linter.run(text, LINT)]


def module_of(command: list[str]) -> str:
    assert command[:2] == ["python", "-m"], command
    return command[2]


def settings_from(environment: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """What a process started with exactly `environment` reads (the typed validation included)."""
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    return load_settings()


def web_settings_from(environment: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> WebSettings:
    settings_from(environment, monkeypatch)
    return load_web_settings()


def secret_of(path: str) -> str:
    """The compose secret a service reads at `path` (secrets are mounted at /run/secrets/NAME)."""
    assert path.startswith("/run/secrets/"), path
    return path.removeprefix("/run/secrets/")


def test_the_compose_file_follows_the_compose_specification(tmp_path: Path) -> None:
    def check(path: Path) -> subprocess.CompletedProcess[str]:
        argv = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)]
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)

    valid = check(COMPOSE)
    assert valid.returncode == 0, valid.stdout + valid.stderr

    # The schema is strict: a misspelt key is refused, so the check above is worth something.
    misspelt = tmp_path / "compose.yaml"
    misspelt.write_text(COMPOSE.read_text().replace("    restart: unless-stopped", "    restarts: always", 1))
    refused = check(misspelt)
    assert refused.returncode == 1
    assert "'restarts' was unexpected" in refused.stdout


def test_the_deployment_yaml_passes_yamllint() -> None:
    rendered = Chart(CHART).render("palermo")
    texts = {
        "compose.yaml": COMPOSE.read_text(),
        "Chart.yaml": (CHART / "Chart.yaml").read_text(),
        "values.yaml": (CHART / "values.yaml").read_text(),
        **{f"rendered {name}": text for name, text in rendered.items() if name.endswith(".yaml")},
    }
    assert {name: lint(text) for name, text in texts.items()} == {name: [] for name in texts}
    assert lint("a: 1\na: 2\n") != []


def test_every_palermo_process_in_compose_runs_the_one_image_on_real_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = compose()["services"]
    images = {services[name]["image"] for name in PROCESSES}
    assert images == {"palermo:0.1.0"}
    for name in PROCESSES:
        service = services[name]
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert (DEPLOY / service["build"]["context"]).resolve() == ROOT
        assert importlib.util.find_spec(module_of(service["command"])) is not None, service["command"]
        environment = {key: str(value) for key, value in service["environment"].items()}
        assert set(environment) <= setting_names(), set(environment) - setting_names()
        settings = settings_from(environment, monkeypatch)
        assert settings.store == "postgres"
        assert settings.temporal_address == "temporal:7233"
        assert settings.audit_key is not None
        assert settings.store_env("Engagements")["POSTGRES_HOST"] == "palermo-db"
        assert settings.temporal_tls_cert is not None
        for target, condition in service["depends_on"].items():
            assert target in services
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[target]
        assert "healthcheck" in service
    assert services["web"]["environment"]["PALERMO_WEB_SECRET"] == example_env()["PALERMO_WEB_SECRET"]
    # N of each: two workers and two web servers unless told otherwise.
    assert [services[name]["deploy"]["replicas"] for name in PROCESSES] == [2, 1, 2]
    more = compose(example_env() | {"PALERMO_WORKERS": "5", "PALERMO_WEB_WORKERS": "3"})["services"]
    assert more["worker"]["deploy"]["replicas"] == 5
    # And two processes in each web server, unless told otherwise too.
    assert web_settings_from(services["web"]["environment"], monkeypatch).workers == 2
    assert web_settings_from(more["web"]["environment"], monkeypatch).workers == 3


def test_compose_takes_every_secret_from_an_env_file_kept_out_of_the_repository() -> None:
    text = COMPOSE.read_text()
    used = {match.group(1) for match in VARIABLE.finditer(text)}
    required = {match.group(1) for match in VARIABLE.finditer(text) if match.group(2) in (":?", "?")}
    example = (DEPLOY / "palermo.env.example").read_text()
    listed = {line.partition("=")[0] for line in example.splitlines() if "=" in line and line[0] != "#"}
    assert required == {
        "PALERMO_DB_PASSWORD",
        "TEMPORAL_DB_PASSWORD",
        "PALERMO_AUDIT_KEY",
        "PALERMO_WEB_SECRET",
    }
    assert required <= listed
    assert listed <= used
    # The example holds no secret, and the filled-in file is ignored by git.
    assert all(line.endswith("=") for line in example.splitlines() if line.partition("=")[0] in required)
    assert "deploy/palermo.env" in (ROOT / ".gitignore").read_text().splitlines()
    with pytest.raises(KeyError, match="PALERMO_AUDIT_KEY"):
        compose({k: v for k, v in example_env().items() if k != "PALERMO_AUDIT_KEY"})
    # The infrastructure images are pinned, so a deployment does not change under its operators' feet.
    for name, service in compose()["services"].items():
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", service["image"]), name
        assert not service["image"].endswith(":latest"), name


def test_the_temporal_set_up_scripts_compose_mounts_are_there_and_parse() -> None:
    services = compose()["services"]
    one_shots = {name: s for name, s in services.items() if s.get("entrypoint", [""])[0] == "/bin/sh"}
    assert set(one_shots) == {"temporal-schema", "temporal-namespace"}
    for service in one_shots.values():
        [mount] = service["volumes"]
        folder, target, _ = mount.split(":")
        script = service["entrypoint"][1]
        assert script.startswith(f"{target}/")
        path = DEPLOY / folder / script.removeprefix(f"{target}/")
        parsed = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True, check=False)
        assert parsed.returncode == 0, parsed.stderr
    # Palermo's processes start once the namespace they use exists.
    namespace = one_shots["temporal-namespace"]["environment"]["NAMESPACE"]
    for name in PROCESSES:
        assert services[name]["depends_on"]["temporal-namespace"] == {
            "condition": "service_completed_successfully"
        }
        assert services[name]["environment"]["PALERMO_TEMPORAL_NAMESPACE"] == namespace


def test_the_image_installs_the_project_and_runs_as_a_user_without_privileges() -> None:
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert instructions[0] == "FROM python:3.11-slim"
    [user] = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert user not in ("root", "0")
    assert any(line.startswith("RUN pip install .") for line in instructions)
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    copied = {line.split()[1] for line in instructions if line.startswith("COPY ")}
    kept = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for package in (pattern.rstrip("*") for pattern in packages["find"]["include"]):
        assert package in copied
        assert f"!{package}/" in kept
    # Secrets beside the deployment files stay out of the image: they are mounted, never built in.
    assert {"deploy/palermo.env", "deploy/certs/"} <= set(kept)
    [command] = [line for line in instructions if line.startswith("CMD ")]
    assert importlib.util.find_spec(module_of(YAML(typ="safe").load(command[4:]))) is not None
    home = next(line for line in instructions if "PALERMO_HOME=" in line).split("=")[1].split()[0]
    health = str(compose()["services"]["worker"]["healthcheck"]["test"])
    assert f"{home}/worker.ready" in health
    assert f"{home}/projector.ready" in str(compose()["services"]["projector"]["healthcheck"]["test"])


def by_component(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    return {o["metadata"]["labels"]["app.kubernetes.io/component"]: o for o in deployments}


def test_the_helm_chart_renders_to_valid_kubernetes_objects() -> None:
    metadata = Chart(CHART).metadata()
    assert metadata["apiVersion"] == "v2"
    assert re.fullmatch(r"\d+\.\d+\.\d+", metadata["version"])
    objects = documents(Chart(CHART).render("palermo"))

    kinds = sorted(o["kind"] for o in objects)
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "Deployment",
        "Deployment",
        "PersistentVolumeClaim",
        "Service",
    ]
    for manifest in objects:
        kubernetes_validate.validate(manifest, KUBERNETES, strict=True)
    # The schemas bite: a wrong type and an unknown field are both refused.
    worker = by_component(objects)["worker"]
    for broken in ({**worker, "spec": {**worker["spec"], "replicas": "two"}}, {**worker, "specs": {}}):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_the_chart_runs_what_compose_runs_with_the_same_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    values = Chart(CHART).values()
    ui = f"http://temporal-web.temporal.svc.cluster.local:8080{UI_PATH}"
    objects = documents(Chart(CHART).render("palermo", {"temporal": {"uiUrl": ui}}))
    [config] = [o for o in objects if o["kind"] == "ConfigMap"]
    [service] = [o for o in objects if o["kind"] == "Service"]
    deployments = by_component(objects)
    services = compose()["services"]
    assert set(deployments) == set(PROCESSES)
    images = set()
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]
        [container] = pod["spec"]["containers"]
        images.add(container["image"])
        assert container["command"] == services[name]["command"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
        assert [ref["configMapRef"]["name"] for ref in container["envFrom"]] == [config["metadata"]["name"]]
        env = container["env"]
        from_secret = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in env if "valueFrom" in e}
        assert {ref["name"] for ref in from_secret.values()} == {values["secrets"]["name"]}
        assert all(ref["key"] == key for key, ref in from_secret.items())
        plain = {e["name"]: e["value"] for e in env if "value" in e}
        names = set(config["data"]) | set(from_secret) | set(plain)
        # The same variables as compose gives the same process, and every one a real setting.
        assert names == set(services[name]["environment"]), name
        assert names <= setting_names()
        assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
        fake_secrets = {key: services[name]["environment"][key] for key in from_secret}
        settings = settings_from({**config["data"], **plain, **fake_secrets}, monkeypatch)
        assert settings.temporal_address == values["temporal"]["address"]
        assert web_settings_from({**config["data"], **plain}, monkeypatch).temporal_ui == (
            ui if name == "web" else None
        )
    assert images == {f"palermo:{Chart(CHART).metadata()['appVersion']}"}
    web = deployments["web"]
    assert service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    [port] = web["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    assert [deployments[n]["spec"]["replicas"] for n in PROCESSES] == [2, 1, 2]


def test_chart_values_reach_the_manifests(monkeypatch: pytest.MonkeyPatch) -> None:
    overrides = {
        "image": {"repository": "registry.example/palermo", "tag": "1.2.3"},
        "worker": {"replicas": 5},
        "projector": {"replicas": 3},
        "web": {"replicas": 4, "port": 9000, "workers": 3},
        "dueDays": {"gap_list": 30},
        "secrets": {"name": "ops-palermo"},
    }
    objects = documents(Chart(CHART).render("ops", overrides))
    deployments = by_component(objects)
    [config] = [o for o in objects if o["kind"] == "ConfigMap"]

    assert [deployments[n]["spec"]["replicas"] for n in PROCESSES] == [5, 3, 4]
    assert all(o["metadata"]["name"].startswith("ops") for o in objects)
    for deployment in deployments.values():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["image"] == "registry.example/palermo:1.2.3"
        refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
        assert refs == {"ops-palermo"}
    web = deployments["web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["command"][-2:] == ["--port", "9000"]
    assert web["ports"][0]["containerPort"] == 9000
    plain = {e["name"]: e["value"] for e in web["env"] if "value" in e}
    assert web_settings_from({**config["data"], **plain}, monkeypatch).workers == 3
    assert settings_from(config["data"], monkeypatch).due_days["gap_list"] == 30
    for manifest in objects:
        kubernetes_validate.validate(manifest, KUBERNETES, strict=True)


def test_the_renderer_refuses_what_it_cannot_render(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    for name in ("Chart.yaml", "values.yaml"):
        (tmp_path / name).write_text((CHART / name).read_text())
    for template, complaint in (
        ("a: {{ .Values.nowhere }}", "no value .Values.nowhere"),
        ("a: {{ .Values.web.port | upper }}", "unknown function 'upper'"),
        ("{{- if .Values.web }}\na: 1\n", "unclosed if"),
    ):
        (tmp_path / "templates" / "t.yaml").write_text(template)
        with pytest.raises(TemplateError, match=re.escape(complaint)):
            Chart(tmp_path).render("palermo")


def test_compose_keeps_temporal_on_internal_networks_and_publishes_none_of_its_ports() -> None:
    spec = compose()
    services, networks = spec["services"], spec["networks"]
    internal = {name for name, network in networks.items() if network.get("internal") is True}

    assert internal == {"temporal", "temporal-store"}
    for name in ("temporal", "temporal-db", "temporal-schema", "temporal-namespace", "temporal-ui"):
        assert "ports" not in services[name], name
        assert set(services[name]["networks"]) <= internal, name
    on = {net: {n for n, s in services.items() if net in s.get("networks", ())} for net in internal}
    assert on["temporal"] == {"temporal", "temporal-namespace", "temporal-ui", *PROCESSES}
    assert on["temporal-store"] == {"temporal", "temporal-db", "temporal-schema"}
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert set(published) == {"palermo-db", "web"}
    assert all(port.startswith("127.0.0.1:") for ports in published.values() for port in ports)


def test_compose_requires_a_certificate_from_every_caller_of_temporal_made_by_the_documented_command(
    tmp_path: Path,
) -> None:
    spec = compose()
    services, secrets = spec["services"], spec["secrets"]
    certs = make_certs(tmp_path / "certs")

    def made(path: str) -> Path:
        source = Path(secrets[secret_of(path)]["file"])
        assert source.parent == Path("certs"), source
        return certs / source.name

    # A service mounts exactly the secrets it names, and each is a file the command makes.
    for name, service in services.items():
        named = {secret_of(v) for v in service.get("environment", {}).values() if str(v).startswith("/run/")}
        assert named == set(service.get("secrets", [])), name
    assert all((certs / Path(secret["file"]).name).is_file() for secret in secrets.values())
    assert "deploy/certs/" in (ROOT / ".gitignore").read_text().splitlines()

    server = services["temporal"]["environment"]
    assert server["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    client_ca = made(server["TEMPORAL_TLS_CLIENT1_CA_CERT"])
    assert made(server["TEMPORAL_TLS_CLIENT2_CA_CERT"]) == client_ca
    frontend = made(server["TEMPORAL_TLS_FRONTEND_CERT"])
    assert "DNS:temporal," in openssl("x509", "-in", frontend, "-noout", "-ext", "subjectAltName")
    palermo = ("PALERMO_TEMPORAL_TLS_CERT", "PALERMO_TEMPORAL_TLS_KEY", "PALERMO_TEMPORAL_TLS_CA")
    callers = {
        "temporal-ui": ("TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA"),
        "temporal-namespace": ("TLS_CERT", "TLS_KEY", "TLS_CA"),
        **dict.fromkeys(PROCESSES, palermo),
    }
    on_temporal = {name for name, service in services.items() if "temporal" in service.get("networks", ())}
    assert set(callers) == on_temporal - {"temporal"}
    for name, (cert, key, ca) in callers.items():
        env = services[name]["environment"]
        client = made(env[cert])
        # Signed by the CA the frontend trusts, for clients; its key is the one beside it; and it trusts
        # the CA of the frontend's own certificate.
        openssl("verify", "-CAfile", client_ca, "-purpose", "sslclient", client)
        public = openssl("x509", "-in", client, "-noout", "-pubkey")
        assert openssl("pkey", "-in", made(env[key]), "-pubout") == public, name
        openssl("verify", "-CAfile", made(env[ca]), "-purpose", "sslserver", frontend)
    assert services["temporal-ui"]["environment"]["TEMPORAL_TLS_SERVER_NAME"] == "temporal"
    for name in PROCESSES:
        assert services[name]["environment"]["PALERMO_TEMPORAL_ADDRESS"].startswith("temporal:")


def test_compose_serves_the_temporal_ui_read_only_through_the_web_apps_sign_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = compose()["services"]
    ui = services["temporal-ui"]["environment"]

    assert ui["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true"
    assert ui["TEMPORAL_UI_PUBLIC_PATH"] == UI_PATH
    served = web_settings_from(services["web"]["environment"], monkeypatch).temporal_ui
    assert served == f"http://temporal-ui:8080{UI_PATH}"


def test_the_chart_mounts_the_client_certificate_its_settings_name(monkeypatch: pytest.MonkeyPatch) -> None:
    values = Chart(CHART).values()
    objects = documents(Chart(CHART).render("ops", {"temporal": {"tls": {"secretName": "ops-temporal-tls"}}}))
    [config] = [o for o in objects if o["kind"] == "ConfigMap"]
    settings = settings_from(config["data"], monkeypatch)
    files = [settings.temporal_tls_cert, settings.temporal_tls_key, settings.temporal_tls_ca]

    # The frontend is reached at its in-cluster Service, never at an outside address.
    assert values["temporal"]["address"].partition(":")[0].endswith(".svc.cluster.local")
    assert [path.name for path in files if path is not None] == ["tls.crt", "tls.key", "ca.crt"]
    # The keys the values tell operators to put in the Secret.
    documented = (CHART / "values.yaml").read_text()
    assert all(f"--from-file={path.name}=" in documented for path in files if path is not None)
    for name, deployment in by_component(objects).items():
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        for path in files:
            assert path is not None
            [mount] = [m for m in container["volumeMounts"] if Path(m["mountPath"]) == path.parent]
            assert mount["readOnly"] is True, name
            assert volumes[mount["name"]]["secret"] == {"secretName": "ops-temporal-tls"}, name
    for manifest in objects:
        kubernetes_validate.validate(manifest, KUBERNETES, strict=True)


def test_every_web_server_keeps_documents_in_one_shared_folder() -> None:
    documents_at = "/var/lib/palermo/documents"
    services = compose()["services"]
    for name in PROCESSES:
        assert f"palermo-documents:{documents_at}" in services[name]["volumes"], name
    assert "palermo-documents" in compose()["volumes"]

    objects = documents(Chart(CHART).render("palermo"))
    [claim] = [o for o in objects if o["kind"] == "PersistentVolumeClaim"]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    pod = by_component(objects)["web"]["spec"]["template"]["spec"]
    [mount] = [m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == documents_at]
    [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
