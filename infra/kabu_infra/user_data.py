"""The EC2 host's first-boot script (§4.1, contracts.md "Host layout on EC2").

It installs Docker and the Compose v2 plugin, writes ``/opt/kabu-trade/{compose.yaml,
compose.aws.yaml,deploy.sh}`` (embedded at synth time, gzip + base64 to stay far below EC2's 16 KB
user-data limit), installs a boot-time unit that writes ``/opt/kabu-trade/.env`` from SSM Parameter
Store, the daily backup timer, and starts the stack through ``deploy.sh`` once an image is named.
"""

from __future__ import annotations

import base64
import gzip

from . import parameters

# Amazon Linux 2023 packages Docker but not the Compose v2 plugin: the release binary is fetched at
# boot and checked against the SHA-256 published beside it.
COMPOSE_VERSION = "v2.29.7"
# 03:30 JST, after the RDS backup window (02:00-02:30 JST) and long after the sync.
BACKUP_ON_CALENDAR = "*-*-* 18:30:00 UTC"
USER_DATA_LIMIT = 16 * 1024


def _embed(path: str, content: bytes, mode: str) -> str:
    packed = base64.b64encode(gzip.compress(content, mtime=0)).decode()
    return f"echo '{packed}' | base64 -d | gunzip > {path}\nchmod {mode} {path}"


ENV_SCRIPT = r"""#!/bin/bash
# Writes /opt/kabu-trade/.env from SSM Parameter Store (contracts.md); runs at every boot, and
# whenever a parameter changed (deploy.sh may call it too).
set -euo pipefail
region="__REGION__"
prefix="__PREFIX__"
get() {
  aws ssm get-parameter --region "$region" --with-decryption --name "$prefix$1" \
    --query Parameter.Value --output text
}
# Secrets in single quotes: compose reads them literally (no $-interpolation).
umask 077
tmp=$(mktemp /opt/kabu-trade/.env.XXXXXX)
trap 'rm -f "$tmp"' EXIT
{
  echo "COMPOSE_FILE=compose.yaml:compose.aws.yaml"
  echo "AWS_REGION=$region"
  echo "KABU_ENV=production"
  echo "KABU_METRICS_EMF=1"
  echo "KABU_HTTP_PORT=80"  # CloudFront's origin port (compose.yaml publishes it)
  echo "KABU_WORKERS=__WORKERS__"  # the capacity calculation's inputs (tiers.py)
  echo "KABU_THREADS=__THREADS__"
  echo "KABU_IMAGE=$(get image)"  # unquoted: deploy.sh reads and rewrites this line
  echo "KABU_SECRET_KEY='$(get secret-key)'"
  echo "KABU_DATABASE_URL='$(get database-url)'"
  echo "KABU_BACKUP_S3_URI=$(get backup-s3-uri)"
} > "$tmp"
mv "$tmp" /opt/kabu-trade/.env
trap - EXIT
"""

UNITS = {
    "kabu-trade-env.service": """[Unit]
Description=Write /opt/kabu-trade/.env from SSM Parameter Store
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/bin/kabu-trade-env

[Install]
WantedBy=multi-user.target
""",
    "kabu-trade-backup.service": """[Unit]
Description=kabu-trade daily backup to S3 (backup create, then prune to 7 daily + 4 weekly)
Requires=docker.service
After=docker.service kabu-trade-env.service

[Service]
Type=oneshot
WorkingDirectory=/opt/kabu-trade
ExecStart=/usr/bin/docker compose run --rm api kabu-trade backup create
ExecStart=/usr/bin/docker compose run --rm api kabu-trade backup prune
""",
    "kabu-trade-backup.timer": f"""[Unit]
Description=Daily kabu-trade backup

[Timer]
OnCalendar={BACKUP_ON_CALENDAR}
RandomizedDelaySec=10m
Persistent=true

[Install]
WantedBy=timers.target
""",
}


def render(
    *,
    host_files: dict[str, bytes],
    region: str,
    prefix: str,
    registry: str,
    workers: int = 1,
    threads: int = 2,
) -> list[str]:
    """The script's commands (the first line, ``#!/bin/bash``, is CDK's)."""
    env_script = (
        ENV_SCRIPT.replace("__REGION__", region)
        .replace("__PREFIX__", prefix)
        .replace("__WORKERS__", str(workers))
        .replace("__THREADS__", str(threads))
    )
    lines = [
        "set -euo pipefail",
        "exec > >(tee -a /var/log/kabu-trade-bootstrap.log) 2>&1",
        "dnf install -y docker amazon-ecr-credential-helper",
        "systemctl enable --now docker",
        "usermod -a -G docker ec2-user",
        "install -d -m 0755 /usr/local/lib/docker/cli-plugins",
        f"url=https://github.com/docker/compose/releases/download/{COMPOSE_VERSION}/"
        "docker-compose-linux-$(uname -m)",
        'curl -fsSL -o /tmp/docker-compose "$url"',
        'curl -fsSL -o /tmp/docker-compose.sha256 "$url.sha256"',
        'echo "$(cut -d" " -f1 /tmp/docker-compose.sha256)  /tmp/docker-compose" | sha256sum -c -',
        "install -m 0755 /tmp/docker-compose /usr/local/lib/docker/cli-plugins/docker-compose",
        "docker compose version",
        # Pulls from ECR authenticate through the instance role (no stored token to expire).
        "install -d -m 0700 /root/.docker",
        f'echo \'{{"credHelpers": {{"{registry}": "ecr-login"}}}}\' > /root/.docker/config.json',
        "install -d -m 0755 /opt/kabu-trade",
    ]
    modes = {"deploy.sh": "0755"}
    for name, content in host_files.items():
        lines.append(_embed(f"/opt/kabu-trade/{name}", content, modes.get(name, "0644")))
    lines.append(_embed("/usr/local/bin/kabu-trade-env", env_script.encode(), "0755"))
    for unit, text in UNITS.items():
        lines.append(_embed(f"/etc/systemd/system/{unit}", text.encode(), "0644"))
    lines += [
        "systemctl daemon-reload",
        "systemctl enable --now kabu-trade-env.service kabu-trade-backup.timer",
        f'image=$(aws ssm get-parameter --region "{region}" --name "{prefix}image"'
        " --query Parameter.Value --output text)",
        f'if [ "$image" = "{parameters.NO_IMAGE_YET}" ]; then',
        '  echo "kabu-trade: no image yet; the deploy workflow starts the stack"',
        "else",
        '  /opt/kabu-trade/deploy.sh "$image"',
        "fi",
    ]
    return lines
