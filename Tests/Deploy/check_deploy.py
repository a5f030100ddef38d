#!/usr/bin/env python3
"""Checks the files under Deploy/ that no container engine or cluster runs here.

    python3 Tests/Deploy/check_deploy.py [--quorum PATH-TO-BUILT-QUORUM]

Parses the Dockerfile, compose.yaml and the Kubernetes manifests and checks
what they must hold; runs the Dockerfile's health check against a real HTTP
server; has systemd-analyze verify the unit and nginx -t the proxy config.
Prints one line per problem and exits 1 if there is any.
"""
import argparse
import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "Deploy")
problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def expect(condition, where, message):
    if not condition:
        problem(where, message)
    return condition


# MARK: - Dockerfile

def dockerfile_instructions(text):
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def check_dockerfile():
    where = "Deploy/Dockerfile"
    with open(os.path.join(DEPLOY, "Dockerfile")) as file:
        instructions = dockerfile_instructions(file.read())
    stages, runtime = [], []
    for keyword, arguments in instructions:
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append((words[0], name))
            runtime = []
        runtime.append((keyword, arguments))
    expect(len(stages) >= 2, where, "needs a build stage and a runtime stage")
    if not stages:
        return
    expect(stages[0][0].startswith("swift:") and "bookworm" in stages[0][0] or stages[0][0].startswith("swift:${"),
           where, f"the build stage starts from a Swift bookworm image, not {stages[0][0]}")
    expect(stages[-1][0] == "debian:bookworm-slim", where, f"the runtime stage is debian:bookworm-slim, not {stages[-1][0]}")
    names = {name for _, name in stages if name}
    for keyword, arguments in instructions:
        match = re.search(r"--from=(\S+)", arguments) if keyword == "COPY" else None
        if match:
            expect(match.group(1) in names, where, f"COPY --from={match.group(1)} names no stage")

    build_runs = " ".join(a for k, a in instructions[:len(instructions) - len(runtime)] if k == "RUN")
    expect("swift build -c release" in build_runs, where, "the build stage runs swift build -c release")
    runtime_runs = " ".join(a for k, a in runtime if k == "RUN")
    for package in ["libpq5", "libgd3", "libfreetype6", "libcairo2", "libicu72", "libcurl4", "fonts-dejavu-core", "fonts-noto-cjk",
                    "ca-certificates"]:
        expect(re.search(rf"\b{re.escape(package)}\b", runtime_runs), where, f"the runtime stage installs {package}")
    for package in ["swift", "libpq-dev", "libgd-dev", "build-essential"]:
        expect(not re.search(rf"\binstall\b.*\b{re.escape(package)}\b", runtime_runs), where,
               f"the runtime stage does not install {package}")

    users = [a for k, a in runtime if k == "USER"]
    expect(users, where, "the runtime stage sets USER")
    if users:
        user = users[-1].split(":")[0]
        expect(user not in ("root", "0"), where, f"USER is not root ({users[-1]})")
    expect(any(k == "EXPOSE" and "8080" in a.split() for k, a in runtime), where, "EXPOSE 8080")
    environment = " ".join(a for k, a in runtime if k == "ENV")
    expect(re.search(r"QUORUM_SERVER_HOST=0\.0\.0\.0", environment), where, "ENV QUORUM_SERVER_HOST=0.0.0.0")
    expect(any(k == "ENTRYPOINT" and "quorum" in a for k, a in runtime), where, "ENTRYPOINT runs quorum")

    checks = [a for k, a in runtime if k == "HEALTHCHECK"]
    if expect(len(checks) == 1, where, "one HEALTHCHECK in the runtime stage"):
        check_healthcheck(where, checks[0])


class Probe(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        code = Probe.status if self.path == "/healthz" else 404
        try:
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except ConnectionError:
            pass  # the health check reads the status line and hangs up

    def log_message(self, *arguments):
        pass


def check_healthcheck(where, arguments):
    """Runs the HEALTHCHECK command against a real server: 200 passes, 503 and nothing listening fail."""
    match = re.search(r"CMD\s+(\[.*\])\s*$", arguments)
    if not expect(match, where, "HEALTHCHECK CMD in exec form"):
        return
    import json
    command = json.loads(match.group(1))
    expect("/healthz" in " ".join(command), where, "the health check asks /healthz")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Probe)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    environment = dict(os.environ, QUORUM_SERVER_PORT=str(port))
    try:
        for status, healthy in [(200, True), (503, False)]:
            Probe.status = status
            result = subprocess.run(command, env=environment, timeout=10, capture_output=True)
            expect((result.returncode == 0) == healthy, where,
                   f"the health check exits {result.returncode} when /healthz answers {status}")
    finally:
        server.shutdown()
        server.server_close()
    result = subprocess.run(command, env=environment, timeout=10, capture_output=True)
    expect(result.returncode != 0, where, "the health check fails when nothing listens")


# MARK: - compose.yaml

def check_compose():
    where = "Deploy/compose.yaml"
    with open(os.path.join(DEPLOY, "compose.yaml")) as file:
        compose = yaml.safe_load(file)
    services = compose.get("services", {})
    for name in ["postgres", "quorum", "mailpit"]:
        expect(name in services, where, f"has a service {name}")
    if not all(name in services for name in ["postgres", "quorum", "mailpit"]):
        return
    postgres, quorum = services["postgres"], services["quorum"]
    expect(str(postgres.get("image", "")).startswith("postgres:15"), where, "postgres runs postgres:15")
    expect("healthcheck" in postgres and "pg_isready" in str(postgres["healthcheck"].get("test")), where,
           "postgres has a pg_isready health check")
    volumes = [str(v).split(":")[0] for v in postgres.get("volumes", [])]
    expect(any(v in (compose.get("volumes") or {}) for v in volumes), where, "postgres keeps its data in a named volume")

    depends = quorum.get("depends_on", {})
    expect(isinstance(depends, dict) and depends.get("postgres", {}).get("condition") == "service_healthy", where,
           "quorum waits for postgres to be healthy")
    environment = quorum.get("environment", {})
    url = str(environment.get("DATABASE_URL", ""))
    expect(re.match(r"postgres(ql)?://[^@]+@postgres(:5432)?/", url), where, "quorum's DATABASE_URL names the postgres service")
    expect(environment.get("QUORUM_SERVER_HOST") == "0.0.0.0", where, "quorum listens on 0.0.0.0 in its container")
    expect(any(str(p).endswith("8080:8080") for p in quorum.get("ports", [])), where, "quorum publishes port 8080")
    expect(any("8025" in str(p) for p in services["mailpit"].get("ports", [])), where, "mailpit publishes its web UI (8025)")

    builders = [s for s in services.values() if "build" in s]
    expect(builders, where, "one service builds the image")
    for service in builders:
        build = service["build"]
        dockerfile = os.path.normpath(os.path.join(DEPLOY, build.get("context", "."), build.get("dockerfile", "Dockerfile")))
        expect(os.path.exists(dockerfile), where, f"the build's Dockerfile {dockerfile} exists")
    images = {s.get("image") for s in builders}
    expect(quorum.get("image") in images or "build" in quorum, where, "quorum runs the image built here")
    for service_name, service in services.items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                expect(os.path.exists(os.path.join(DEPLOY, source)), where, f"{service_name} mounts {source}, which exists")
            if source.endswith("quorum.toml") and os.path.exists(os.path.join(DEPLOY, source)):
                with open(os.path.join(DEPLOY, source)) as file:
                    text = file.read()
                expect("mailpit:1025" in text, where, f"{source} sends mail to mailpit:1025")
                expect(re.search(r"^\[report\.[a-z0-9_-]+\]", text, re.M), where, f"{source} defines a report")
    if "seed" in services:
        expect(depends.get("seed", {}).get("condition") == "service_completed_successfully", where,
               "quorum starts after the demo data is seeded")


# MARK: - Kubernetes

QUORUM = None  # the built quorum executable, when given


def check_configuration(where, text):
    """quorum loads the configuration as the daemon would (unknown keys and bad values are errors)."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml") as file:
        file.write(text)
        file.flush()
        environment = {k: v for k, v in os.environ.items() if not k.startswith("QUORUM_")}
        result = subprocess.run([QUORUM, "schedule", "--config", file.name, "--count", "1"],
                                capture_output=True, text=True, timeout=30, env=environment)
        expect(result.returncode == 0, where, f"quorum refuses its quorum.toml: {result.stderr.strip()}")


def check_version(quorum):
    """The image tag in kustomization.yaml is the version quorum --version prints."""
    if not quorum:
        return
    version = subprocess.run([quorum, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    with open(os.path.join(DEPLOY, "kubernetes", "kustomization.yaml")) as file:
        images = yaml.safe_load(file).get("images", [])
    tags = [str(image.get("newTag")) for image in images if image.get("name") == "quorum"]
    expect(tags == [version], "Deploy/kubernetes/kustomization.yaml", f"the image tag {tags} is quorum --version ({version})")


def check_kubernetes():
    directory = os.path.join(DEPLOY, "kubernetes")
    with open(os.path.join(directory, "kustomization.yaml")) as file:
        kustomization = yaml.safe_load(file)
    documents = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yaml") or name == "kustomization.yaml":
            continue
        with open(os.path.join(directory, name)) as file:
            for document in yaml.safe_load_all(file):
                if document is None:
                    continue
                where = f"Deploy/kubernetes/{name}"
                expect(document.get("apiVersion") and document.get("kind"), where, "every document has apiVersion and kind")
                expect(document.get("metadata", {}).get("name"), where, "every document has a name")
                documents.setdefault(document.get("kind"), []).append((where, document))
    for resource in kustomization.get("resources", []):
        expect(os.path.exists(os.path.join(directory, resource)), "Deploy/kubernetes/kustomization.yaml", f"{resource} exists")
    expect("secret.example.yaml" not in kustomization.get("resources", []), "Deploy/kubernetes/kustomization.yaml",
           "the example secret is not applied")

    deployments = documents.get("Deployment", [])
    if not expect(len(deployments) == 1, "Deploy/kubernetes", "one Deployment"):
        return
    where, deployment = deployments[0]
    spec = deployment["spec"]
    expect(spec.get("replicas", 1) >= 2, where, "more than one replica")
    selector = spec["selector"]["matchLabels"]
    pod = spec["template"]
    labels = pod["metadata"]["labels"]
    expect(selector.items() <= labels.items(), where, "the selector matches the pod labels")
    pod_spec = pod["spec"]
    security = pod_spec.get("securityContext", {})
    expect(security.get("runAsNonRoot") is True, where, "pods run as non-root")
    expect(security.get("runAsUser", 0) != 0, where, "runAsUser is not 0")
    containers = pod_spec["containers"]
    container = containers[0]
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    expect(8080 in ports.values(), where, "the container port is 8080")
    probes = {kind: container.get(kind, {}).get("httpGet", {}) for kind in ["readinessProbe", "livenessProbe", "startupProbe"]}
    expect(probes["readinessProbe"].get("path") == "/readyz", where, "readiness asks /readyz")
    expect(probes["livenessProbe"].get("path") == "/healthz", where, "liveness asks /healthz")
    expect(probes["startupProbe"].get("path") in ("/healthz", "/readyz"), where, "a startup probe")
    for kind, probe in probes.items():
        port = probe.get("port")
        expect(port in ports or port in ports.values(), where, f"{kind} points at the container's port ({port})")
    resources = container.get("resources", {})
    expect(resources.get("requests", {}).get("cpu") and resources.get("requests", {}).get("memory"), where, "resource requests")
    expect(resources.get("limits", {}).get("memory"), where, "a memory limit")
    context = container.get("securityContext", {})
    expect(context.get("readOnlyRootFilesystem") is True, where, "a read-only root file system")
    expect(context.get("allowPrivilegeEscalation") is False, where, "no privilege escalation")
    volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        expect(mount["name"] in volumes, where, f"the volume {mount['name']} exists")
    data_mounts = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/var/lib/quorum"]
    expect(data_mounts and "emptyDir" in volumes.get(data_mounts[0]["name"], {}), where,
           "the data directory (the site) is an emptyDir")
    environment = {e["name"]: e for e in container.get("env", [])}
    expect(environment.get("QUORUM_SERVER_HOST", {}).get("value") == "0.0.0.0", where, "listens on 0.0.0.0")
    secret_names = {d["metadata"]["name"] for _, d in documents.get("Secret", [])}
    for variable in ["DATABASE_URL", "QUORUM_MAIL_PASSWORD"]:
        reference = environment.get(variable, {}).get("valueFrom", {}).get("secretKeyRef", {})
        expect(reference.get("name") in secret_names, where, f"{variable} comes from the example Secret's name")
        secrets = [d for _, d in documents.get("Secret", []) if d["metadata"]["name"] == reference.get("name")]
        expect(secrets and reference.get("key") in secrets[0].get("stringData", {}), where,
               f"the example Secret has the key {reference.get('key')}")
    config_maps = {d["metadata"]["name"]: d for _, d in documents.get("ConfigMap", [])}
    for volume in volumes.values():
        if "configMap" in volume and not volume["configMap"].get("optional"):
            expect(volume["configMap"]["name"] in config_maps, where, f"the ConfigMap {volume['configMap']['name']} exists")
    if QUORUM and "quorum.toml" in config_maps.get("quorum-config", {}).get("data", {}):
        check_configuration(where, config_maps["quorum-config"]["data"]["quorum.toml"])
    arguments = container.get("args", [])
    if "--config" in arguments:
        path = arguments[arguments.index("--config") + 1]
        mounts = [m for m in container["volumeMounts"] if path.startswith(m["mountPath"] + "/")]
        key = os.path.basename(path)
        expect(mounts and key in config_maps.get(volumes[mounts[0]["name"]].get("configMap", {}).get("name"), {}).get("data", {}),
               where, f"--config {path} is a key of a mounted ConfigMap")

    for kind in ["Service", "PodDisruptionBudget"]:
        for other_where, other in documents.get(kind, []):
            other_selector = other["spec"]["selector"]
            other_selector = other_selector.get("matchLabels", other_selector)
            expect(other_selector.items() <= labels.items(), other_where, f"the {kind} selects the Deployment's pods")
        expect(documents.get(kind), "Deploy/kubernetes", f"a {kind}")
    for other_where, service in documents.get("Service", []):
        for port in service["spec"]["ports"]:
            target = port.get("targetPort")
            expect(target in ports or target in ports.values(), other_where, f"targetPort {target} is a container port")


# MARK: - systemd and nginx

def check_systemd(quorum):
    where = "Deploy/systemd/quorum.service"
    with open(os.path.join(DEPLOY, "systemd", "quorum.service")) as file:
        text = file.read()
    settings = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    for key, value in [("Type", "notify"), ("ExecReload", "/bin/kill -HUP $MAINPID"), ("Restart", "on-failure"),
                       ("ProtectSystem", "strict"), ("NoNewPrivileges", "yes"), ("StateDirectory", "quorum"),
                       ("EnvironmentFile", "-/etc/quorum/quorum.env")]:
        expect(value in settings.get(key, []), where, f"{key}={value}")
    expect("WatchdogSec" in settings, where, "WatchdogSec is set")
    if not shutil.which("systemd-analyze"):
        return problem(where, "systemd-analyze is missing (apt-get install systemd)")
    if not quorum:
        return
    with tempfile.TemporaryDirectory() as directory:
        unit = os.path.join(directory, "quorum.service")
        with open(unit, "w") as file:
            file.write(text.replace("/usr/local/bin/quorum", quorum))
        result = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True, timeout=60)
        # It warns (and still exits 0) about unknown keys and bad values: any output is a problem.
        output = "\n".join(line for line in (result.stdout + result.stderr).splitlines() if "quorum.service" in line)
        expect(result.returncode == 0 and not output, where, f"systemd-analyze verify: {output or result.returncode}")
        # systemd's own rating of the sandbox: 0 is locked down, 10 is fully exposed.
        result = subprocess.run(["systemd-analyze", "security", "--offline=yes", unit], capture_output=True, text=True, timeout=60)
        match = re.search(r"Overall exposure level for quorum\.service: ([0-9.]+)", result.stdout + result.stderr)
        if expect(match, where, "systemd-analyze security rates the unit"):
            expect(float(match.group(1)) <= 2.0, where, f"an exposure level of at most 2.0, not {match.group(1)}")


def check_nginx():
    where = "Deploy/nginx/quorum.conf"
    with open(os.path.join(DEPLOY, "nginx", "quorum.conf")) as file:
        text = file.read()
    for needle in ["proxy_cache_revalidate on", "disable_symlinks off", "proxy_cache_bypass $http_authorization",
                   "root /var/lib/quorum/site/current", "location /api/", "location = /healthz",
                   "location = /readyz", "location = /metrics"]:
        expect(needle in text, where, f"has '{needle}'")
    expect(len(re.findall(r"^\s*server 127\.0\.0\.1:808[123] ", text, re.M)) == 3, where, "an upstream of three replicas")
    metrics = re.search(r"location = /metrics \{(.*?)\}", text, re.S)
    expect(metrics and "deny all" in metrics.group(1), where, "/metrics is restricted")
    with open(os.path.join(DEPLOY, "nginx", "quorum-proxy.conf")) as file:
        expect("proxy_next_upstream error timeout" in file.read(), "Deploy/nginx/quorum-proxy.conf", "fails over on error and timeout")
    if not shutil.which("nginx"):
        return problem(where, "nginx is missing (apt-get install nginx-light)")
    with tempfile.TemporaryDirectory() as directory:
        os.chmod(directory, 0o755)
        run_nginx_behind_stand_ins(where, text, directory)


class Replica(http.server.BaseHTTPRequestHandler):
    """Stands in for quorum serve: /healthz, /api/v1/aggregates with an ETag
    (304 on If-None-Match), /openapi.json. Remembers what it was asked."""
    etag = '"snapshot-1"'
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("If-None-Match")))
        if self.path == "/api/v1/aggregates" and self.headers.get("If-None-Match") == Replica.etag:
            return self.answer(304, b"", {"ETag": Replica.etag})
        if self.path in ("/healthz", "/api/v1/aggregates", "/openapi.json"):
            return self.answer(200, b'{"snapshot": 1}', {"ETag": Replica.etag, "Content-Type": "application/json"})
        self.answer(404, b"not found", {})

    def answer(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port, path, headers=None):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def run_nginx_behind_stand_ins(where, text, directory):
    """nginx -t, then nginx for real: the site from disk with ETags and cache
    headers, a release switch through the symlink, the API proxied, cached and
    revalidated with If-None-Match, and a dead replica skipped."""
    releases = os.path.join(directory, "site", "releases")
    for release, title in [("r1", "first"), ("r2", "second")]:
        os.makedirs(os.path.join(releases, release, "charts"))
        with open(os.path.join(releases, release, "index.html"), "w") as file:
            file.write(f"<title>{title}</title>")
        with open(os.path.join(releases, release, "charts", "a.png"), "wb") as file:
            file.write(b"\x89PNG")
    os.symlink(os.path.join(releases, "r1"), os.path.join(directory, "site", "current"))

    replicas = []
    for _ in range(2):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replica)
        server.requests = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        replicas.append(server)
    dead_port, port = free_port(), free_port()
    ports = [dead_port] + [server.server_address[1] for server in replicas]
    conf = text.replace("/var/lib/quorum/site/current", os.path.join(directory, "site", "current")) \
               .replace("/var/cache/nginx/quorum", os.path.join(directory, "cache")) \
               .replace("/etc/nginx/quorum-proxy.conf", os.path.join(DEPLOY, "nginx", "quorum-proxy.conf")) \
               .replace("listen 8080;", f"listen 127.0.0.1:{port};").replace("listen [::]:8080;", "")
    for template_port, replica_port in zip([8081, 8082, 8083], ports):
        conf = conf.replace(f"127.0.0.1:{template_port} ", f"127.0.0.1:{replica_port} ")
    with open(os.path.join(directory, "quorum.conf"), "w") as file:
        file.write(conf)
    user = "user root;" if os.geteuid() == 0 else ""
    with open(os.path.join(directory, "nginx.conf"), "w") as file:
        file.write(f"{user} daemon off; pid {directory}/nginx.pid; error_log {directory}/error.log;\nevents {{}}\n"
                   f"http {{ include /etc/nginx/mime.types; access_log off; include {directory}/quorum.conf; }}\n")
    command = ["nginx", "-c", os.path.join(directory, "nginx.conf"), "-p", directory]
    result = subprocess.run(command + ["-t", "-q"], capture_output=True, text=True, timeout=60)
    if not expect(result.returncode == 0, where, f"nginx -t: {result.stderr.strip()}"):
        return
    nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time
        for _ in range(100):
            try:
                fetch(port, "/healthz")
                break
            except OSError:
                time.sleep(0.05)

        status, headers, body = fetch(port, "/")
        expect(status == 200 and b"first" in body, where, f"/ is the site's index.html ({status})")
        expect(headers.get("cache-control") == "no-cache", where, "pages are sent with Cache-Control: no-cache")
        etag = headers.get("etag")
        if expect(etag, where, "pages carry an ETag"):
            status, _, _ = fetch(port, "/", {"If-None-Match": etag})
            expect(status == 304, where, f"a page asked with its ETag is 304, not {status}")
        status, headers, _ = fetch(port, "/charts/a.png")
        expect(status == 200 and "max-age=60" in headers.get("cache-control", ""), where, "charts have a one-minute lifetime")

        # A new release: the symlink is replaced by rename, as Quorum publishes.
        os.symlink(os.path.join(releases, "r2"), os.path.join(directory, "site", "next"))
        os.rename(os.path.join(directory, "site", "next"), os.path.join(directory, "site", "current"))
        status, _, body = fetch(port, "/")
        expect(b"second" in body, where, "a new release is served as soon as the symlink points at it")

        status, _, _ = fetch(port, "/healthz")
        expect(status == 200, where, f"/healthz reaches a live replica past the dead one ({status})")
        status, _, body = fetch(port, "/openapi.json")
        expect(status == 200 and b"snapshot" in body, where, "what the site lacks goes to the replicas")

        statuses = [fetch(port, "/api/v1/aggregates")[1].get("x-cache-status") for _ in range(2)]
        expect(statuses == ["MISS", "HIT"], where, f"API answers are cached ({statuses})")
        status, headers, _ = fetch(port, "/api/v1/aggregates", {"Authorization": "Bearer x"})
        expect(headers.get("x-cache-status") == "BYPASS", where, "requests with a token bypass the cache")
        # proxy_cache_valid 200 5s, counted in nginx's whole seconds: the first
        # answer that is not a HIT comes after it expired, and must be a revalidation.
        time.sleep(4.5)
        deadline = time.monotonic() + 20
        while True:
            status, headers, body = fetch(port, "/api/v1/aggregates")
            if headers.get("x-cache-status") != "HIT" or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        expect(status == 200 and headers.get("x-cache-status") == "REVALIDATED", where,
               f"an expired answer is revalidated ({headers.get('x-cache-status')})")
        asked = [tag for server in replicas for path, tag in server.requests if path == "/api/v1/aggregates"]
        expect(Replica.etag in asked, where, "nginx revalidates with If-None-Match and the replica's ETag")
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for server in replicas:
            server.shutdown()
            server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quorum", help="the built quorum executable, for systemd-analyze verify")
    arguments = parser.parse_args()
    if arguments.quorum:
        arguments.quorum = os.path.abspath(arguments.quorum)
        global QUORUM
        QUORUM = arguments.quorum
    if QUORUM:
        with open(os.path.join(DEPLOY, "quorum.example.toml")) as file:
            check_configuration("Deploy/quorum.example.toml", file.read())
    for check in [check_dockerfile, check_compose, check_kubernetes, lambda: check_systemd(arguments.quorum),
                  check_nginx, lambda: check_version(arguments.quorum)]:
        try:
            check()
        except (KeyError, TypeError, AttributeError, IndexError, yaml.YAMLError, OSError) as error:
            problem("Deploy", f"{getattr(check, '__name__', 'check')}: cannot read: {error!r}")
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) in Deploy/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
