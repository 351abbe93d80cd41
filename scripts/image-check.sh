#!/usr/bin/env bash
# Builds the CPU image and runs it, where no image registry can be reached but Debian's packages can:
#   1. base images made locally from Debian bookworm packages (mmdebstrap --variant=minbase, podman
#      import): a build base (JDK 17, Maven, npm) and a runtime base (JRE 17), passed to the
#      Dockerfile as BUILD_IMAGE and RUNTIME_CPU_IMAGE;
#   2. podman build of the CPU image (Maven's local repository mounted as an overlay, so that only
#      what it lacks is downloaded; the npm assets are fetched as the Dockerfile says);
#   3. `demo --once` inside the image: events printed from the container;
#   4. the processor container against a KRaft broker on the host (--network host), with a
#      read-only root file system (state and caches on tmpfs) as the image's non-root user;
#      /health/ready, /metrics and the image's own HEALTHCHECK must answer.
# Needs podman (4.3 runs only with runc here: crun refuses the hybrid cgroup layout, and setting
# rlimits is not permitted, hence the containers.conf below), runc, mmdebstrap, and a build of the
# project (mvn -DskipTests test-compile) for the host broker. Run from the repository root:
#   scripts/image-check.sh            # work files in target/image-check
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(pwd)/target/image-check"
mkdir -p "$work"
tag=emotion-stream:check
started=$(date +%s)
step() { echo "== [$(( $(date +%s) - started )) s] $*"; }

cat > "$work/containers.conf" <<'CONF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
export CONTAINERS_CONF="$work/containers.conf"

# Certificates of a network that intercepts TLS (CA files in /usr/local/share/ca-certificates, or
# IMAGE_CHECK_CA_DIR): added to the bases, so that apt, npm and Maven inside the build trust them.
ca_dir="${IMAGE_CHECK_CA_DIR:-/usr/local/share/ca-certificates}"

base() { # NAME PACKAGES
  local name=$1 packages=$2 debian="localhost/emotion-stream-base/$1-debian:bookworm"
  if podman image exists "localhost/emotion-stream-base/$name:bookworm"; then
    step "base $name: present"
    return
  fi
  if ! podman image exists "$debian"; then
    step "base $name: mmdebstrap bookworm ($packages)"
    mmdebstrap --quiet --variant=minbase --include="$packages" bookworm "$work/$name.tar" \
      "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian bookworm-updates main" \
      "deb http://deb.debian.org/debian-security bookworm-security main"
    podman import --quiet "$work/$name.tar" "$debian" >/dev/null
    rm -f "$work/$name.tar"
  fi
  local context="$work/base-$name"
  rm -rf "$context" && mkdir -p "$context/ca"
  if compgen -G "$ca_dir/*.crt" >/dev/null; then cp "$ca_dir"/*.crt "$context/ca/"; fi
  cat > "$context/Containerfile" <<CONTAINERFILE
FROM $debian
COPY ca/ /usr/local/share/ca-certificates/
# the JDK's trust store follows (ca-certificates-java); npm reads the system bundle through its cafile
RUN update-ca-certificates >/dev/null && echo cafile=/etc/ssl/certs/ca-certificates.crt > /etc/npmrc
CONTAINERFILE
  podman build --quiet --format docker -t "localhost/emotion-stream-base/$name:bookworm" "$context" >/dev/null
  step "base $name: $(podman image inspect "localhost/emotion-stream-base/$name:bookworm" --format '{{.Size}}' \
    | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}
base build "openjdk-17-jdk-headless,maven,npm,ca-certificates,curl,bash"
base runtime "openjdk-17-jre-headless,ca-certificates,bash,passwd"

step "podman build --build-arg FLAVOR=cpu (bases: localhost/emotion-stream-base/*)"
m2="${MAVEN_REPOSITORY:-$HOME/.m2}"
# podman 4.3's buildah does not expand a build argument in a FROM that names a stage
# (FROM runtime-${FLAVOR}: "short-name did not resolve"), so the CPU stage is named here
sed 's/^FROM runtime-\${FLAVOR}$/FROM runtime-cpu/' Dockerfile > "$work/Dockerfile.cpu"
grep -q '^FROM runtime-cpu$' "$work/Dockerfile.cpu"
podman build -f "$work/Dockerfile.cpu" --format docker --network host --layers \
  --build-arg BUILD_IMAGE=localhost/emotion-stream-base/build:bookworm \
  --build-arg RUNTIME_CPU_IMAGE=localhost/emotion-stream-base/runtime:bookworm \
  --volume "$m2:/root/.m2:O" \
  -t "$tag" . > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
podman image inspect "$tag" --format '{{.Id}} {{.Size}} {{.Config.User}} {{.Config.Healthcheck.Test}}' \
  | awk '{ printf "image %.12s: %.0f MB, user %s, healthcheck %s %s %s\n", $1, $2 / 1e6, $3, $4, $5, $6 }'
podman image inspect "$tag" --format '{{.Size}}' > "$work/image-size"

step "demo --once inside the image"
podman run --rm --network host "$tag" demo --once --cameras 2 --set ops.port=0 \
  > "$work/demo-events.jsonl" 2> "$work/demo.log" || { tail -30 "$work/demo.log"; exit 1; }
events=$(grep -c '^{"cameraId"' "$work/demo-events.jsonl" || true)
echo "demo --once printed $events face events from inside the container, e.g.:"
head -1 "$work/demo-events.jsonl" | cut -c1-200
[ "$events" -gt 0 ]

step "a KRaft broker on the host"
rm -f "$work/bootstrap"
java -cp "target/test-classes:target/classes:$(cat target/runtime-classpath.txt)" \
  io.emotionstream.kafka.StandaloneBroker "$work/bootstrap" > "$work/broker.log" 2>&1 &
broker=$!
container=""
cleanup() {
  [ -n "$container" ] && podman rm -f -v "$container" >/dev/null 2>&1 || true
  kill "$broker" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 120); do [ -s "$work/bootstrap" ] && break; sleep 1; done
bootstrap=$(cat "$work/bootstrap")
echo "broker at $bootstrap"

step "the processor container: --network host, --read-only, user 10001"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# writable: /tmp (tmpfs) and the Kafka Streams state, an anonymous volume (an emptyDir in k8s/) that
# keeps the image's owner of /app/state (podman 4.3 mounts a tmpfs there as root, 0755, whatever mode=)
container=$(podman run -d --network host --read-only \
  --tmpfs /tmp:rw,mode=1777 --volume /app/state \
  -e EMOTION_STREAM_BOOTSTRAP_SERVERS="$bootstrap" -e EMOTION_STREAM_OPS_PORT="$port" \
  -e EMOTION_STREAM_OPS_BIND_ADDRESS=127.0.0.1 \
  "$tag" process 2>/dev/null)
user=$(podman exec "$container" id -u)
echo "processor container ${container:0:12} runs as uid $user with a read-only root file system"
[ "$user" = 10001 ]
ready=""
for _ in $(seq 180); do
  if ready=$(curl -fsS "http://127.0.0.1:$port/health/ready" 2>/dev/null); then break; fi
  ready=""; sleep 1
done
[ -n "$ready" ] || { podman logs --tail 40 "$container"; exit 1; }
echo "/health/ready: $ready"
metrics=$(curl -fsS "http://127.0.0.1:$port/metrics")
echo "/metrics: $(grep -c '^emotionstream_' <<< "$metrics") emotionstream_ samples, e.g. $(grep -m1 '^emotionstream_ready' <<< "$metrics")"
grep -q '^emotionstream_ready{.*} 1.0' <<< "$metrics"
podman healthcheck run "$container" 2>/dev/null && echo "image HEALTHCHECK (port from EMOTION_STREAM_OPS_PORT): healthy"
if podman exec "$container" touch /app/x 2>/dev/null; then echo "error: the root file system is writable" >&2; exit 1; fi
echo "writing into the image fails as it should (read-only root file system)"
step "done"
