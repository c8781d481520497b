# The Partner Center Emulator in a container: HTTP 8080, HTTPS 8443, CONNECT proxy 8888.
# Build stage: make the wheel (the default world is packaged into it); nothing of this stage is kept.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY emulator ./emulator
COPY fixtures ./fixtures
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
# A user of its own; the state directory (keys, local CA, saved world) is the only place it writes.
# Both mount points exist in the image and are the user's: Docker gives a new named volume the owner of the path
# it is mounted on, and makes it root's when the image lacks that path (then the emulator could not write ca.pem).
RUN useradd --create-home --uid 10001 pcemu \
 && mkdir -p -m 0700 /var/lib/pcemu && mkdir -p -m 0755 /var/lib/pcemu/public \
 && chown pcemu:pcemu /var/lib/pcemu /var/lib/pcemu/public
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels /root/.cache
USER pcemu
ENV PCEMU_STATE_DIR=/var/lib/pcemu \
    PCEMU_PROFILE=enforced-2026 \
    PYTHONUNBUFFERED=1
VOLUME ["/var/lib/pcemu"]
EXPOSE 8080 8443 8888
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/_emulator/health', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["pcemu", "serve"]
# Other containers reach it as https://pcemu:8443 (a certificate name) and through the proxy on pcemu:8888;
# the control API answers them because the compose network is named with --control-host.
CMD ["--host", "0.0.0.0", "--port", "8080", "--https-port", "8443", "--proxy-host", "0.0.0.0", "--proxy-port", "8888", "--cert-name", "pcemu", "--control-host", "any"]
