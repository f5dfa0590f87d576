# kabu-trade: the API, the worker and the CLI in one image (`make image` builds kabu-trade:local).
#
#   podman run -e KABU_SECRET_KEY=<32+ random characters> -p 8000:8000 kabu-trade:local
#
# serves the embedded mode (SQLite in the /data volume, jobs in process, the demo universe loads in
# the background) with the web app at http://127.0.0.1:8000. compose.yaml runs the same image as
# api, worker and migrate against PostgreSQL + Redis.
#
# The stages start from debian:bookworm-slim with Debian's Python 3.11: the only base this
# project's build machine can make (no registry is reachable there), and a distribution whose
# security updates cover the interpreter. The final image is assembled FROM scratch out of a copy
# of that Debian cut down to what runs (deploy/image/prune_runtime.py; ~80 MB instead of ~170),
# checked in place by deploy/image/check_image.py. Every locked dependency has a manylinux wheel
# for CPython 3.11 (ta-lib's bundles the TA-Lib C library in ta_lib.libs/), so the build stage
# needs no compiler. The web app is built on the host (`make web`: Debian 12's Node.js is too old).

ARG DEBIAN_BASE=docker.io/library/debian:bookworm-slim

# --- build: a virtual environment with the locked dependencies ------------------------------------
FROM ${DEBIAN_BASE} AS build
# binutils: strip, for the wheels' shared libraries. postgresql-client-15: its pg_dump, pg_restore
# and psql are copied into the final stage without the Perl wrapper scripts the package depends on
# (perl and its modules would add ~50 MB for `pg_lsclusters`, which a container never needs).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv binutils postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/venv
# The dependencies first, from the lock file alone: a change of src/ reuses this layer. Wheels
# only: no dependency may need a compiler (a new one that does fails here, not in the image).
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-compile --only-binary=:all: -r /tmp/requirements.lock
# What a running server never reads goes (~100 MB): the dependencies' test suites, type stubs,
# C/Cython sources, the extension modules' symbol tables (not those of the libraries auditwheel
# vendored into *.libs/: patchelf rewrote their headers, and strip breaks them), and botocore's
# API models of every AWS service but the ones boto3 uses here (S3 for backups; STS, SSO,
# SSO-OIDC and sign-in for the credential chain) — check_image.py, run in the final stage, proves
# S3 and STS clients still build.
ARG BOTOCORE_SERVICES="s3 sts sso sso-oidc signin"
RUN cd /opt/venv/lib/python3.11/site-packages \
 && find . -depth -type d \( -name tests -o -name __pycache__ \) -exec rm -rf {} + \
 && find . -type f \( -name '*.pyi' -o -name '*.c' -o -name '*.cpp' -o -name '*.h' -o -name '*.pyx' \
      -o -name '*.pxd' -o -name '*.pxi' \) -delete \
 && find . -type f -name '*.so*' ! -path './*.libs/*' -exec strip --strip-unneeded {} + \
 && for service in botocore/data/*/; do \
      case " $BOTOCORE_SERVICES " in *" $(basename "$service") "*) ;; *) rm -rf "$service" ;; esac; \
    done

# --- deps: the virtual environment as the image gets it -------------------------------------------
FROM build AS deps
RUN /opt/venv/bin/python -m pip uninstall -y -q setuptools pip

# --- app: the project, and the byte-code of what it imports, each under a staging root ------------
FROM build AS app
COPY pyproject.toml README.md /tmp/project/
COPY src /tmp/project/src
COPY deploy/image/compile_used.py /tmp/compile_used.py
# --no-deps: the lock file alone decides every version in the image (setuptools is fetched for
# the project's build only, PEP 517). --root: the project's files land under /staging/app at the
# paths they have in the image (/opt/venv/...), apart from the dependencies. Byte-code is compiled
# once, here, for what kabu-trade imports (compile_used.py says why not everything): the non-root
# user cannot write __pycache__ under /opt/venv, and compiling pandas & co. on every start would
# cost seconds of cold start. The dependencies' byte-code goes to /staging/pyc, a layer of its own.
RUN /opt/venv/bin/pip install --no-compile --no-deps --root /staging/app /tmp/project \
 && PYTHONPATH=/staging/app/opt/venv/lib/python3.11/site-packages \
      /opt/venv/bin/python /tmp/compile_used.py /staging/pyc

# --- runtime: Debian's Python and the libraries, cut down to what runs (prune_runtime.py) ---------
FROM ${DEBIAN_BASE} AS runtime
# libpq5: the library pg_dump/pg_restore/psql (copied below) link to. tini: PID 1, forwards
# SIGTERM to uvicorn (graceful stop) and reaps zombies.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 libpq5 tini ca-certificates tzdata \
 && groupadd --gid 10001 kabu \
 && useradd --uid 10001 --gid kabu --home-dir /data --no-create-home --shell /usr/sbin/nologin kabu
# Debian's postgresql-client-15 (the major version of the RDS PostgreSQL 15.x it backs up):
# pg_dump/pg_restore for `kabu-trade backup`, psql for an operator.
COPY --from=build /usr/lib/postgresql/15/bin/pg_dump /usr/lib/postgresql/15/bin/pg_restore \
     /usr/lib/postgresql/15/bin/psql /usr/lib/postgresql/15/bin/
COPY deploy/image/prune_runtime.py /tmp/prune_runtime.py
RUN for tool in pg_dump pg_restore psql; do \
      ln -s /usr/lib/postgresql/15/bin/$tool /usr/local/bin/$tool; \
    done \
 && python3 -B /tmp/prune_runtime.py \
 && rm -rf /tmp/* /root/.cache

# --- final: an empty image, the pruned root filesystem, the venv, the project ---------------------
# FROM scratch and one COPY of the runtime stage's root: what prune_runtime.py deleted is gone from
# the image, where deleting in a layer above debian:bookworm-slim would only hide it (~70 MB of
# dpkg, apt, Perl, util-linux, docs and the like). The layers go from the least to the most often
# changed: the root filesystem, the dependencies (requirements.lock), their byte-code, the
# project, the web app; a change of src/ rebuilds and pushes the last ones only.
FROM scratch
COPY --from=runtime / /
COPY --from=deps /opt/venv /opt/venv
COPY --from=app /staging/pyc/ /
COPY --from=app /staging/app/ /
COPY frontend/dist /opt/kabu-trade/web
COPY deploy/image/check_image.py /opt/kabu-trade/check_image.py
# The volume's mount point, the user's own (exec form: FROM scratch has no shell until here, and
# this way none is needed).
RUN ["/usr/bin/install", "-d", "-m", "0700", "-o", "kabu", "-g", "kabu", "/data"]

# KABU_ENV=production: the API refuses to start without KABU_SECRET_KEY (no key made in the
# volume behind the operator's back) and serves no /docs. KABU_WEB_DIR: the built web app, served
# at / (the default, frontend/dist, is relative to a checkout). KABU_WORKERS is read by
# `kabu-trade serve` when --workers is not given (1 process: the embedded SQLite allows no more).
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    KABU_ENV=production \
    KABU_DATA_DIR=/data \
    KABU_WEB_DIR=/opt/kabu-trade/web \
    KABU_WORKERS=1 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072
# glibc's allocator, tuned for a 1 GB host (measured by `python -m bench stack`, 4,000 symbols ×
# 5 years: the worker's sync peak 363 → 294 MB). Two arenas instead of eight per core: the API's
# few threads don't need more, and each arena keeps its own freed memory. A fixed mmap threshold:
# numpy's column arrays (> 128 KiB) are mapped and unmapped, so a finished chunk of a sync is given
# back to the system at once instead of staying in the heap, which glibc's sliding threshold allows.

USER kabu
WORKDIR /data
# The image checks itself as the user it runs as (check_image.py: libraries, CA certificates,
# tzdata, the CLI, the PostgreSQL tools, boto3's clients); the build fails if the cut went too far.
RUN ["python3", "-B", "/opt/kabu-trade/check_image.py"]
VOLUME ["/data"]
EXPOSE 8000

# Liveness: the route touches no database or cache, so a slow database restarts nothing.
# Python's urllib (no curl in the image); urlopen raises on any status but 2xx.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health/live', timeout=4)"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["kabu-trade", "serve", "--host", "0.0.0.0", "--port", "8000"]
