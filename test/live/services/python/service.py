"""A "shop service" for the live tests: a Python process instrumented the way a real service is.

It is configured ONLY through the standard OTEL_* environment variables. The SDK is set up by
the same code path `opentelemetry-instrument` runs (its sitecustomize calls
`opentelemetry.instrumentation.auto_instrumentation.initialize()`): the `opentelemetry-distro`
distro, then its configurator (`_OTelSDKConfigurator`), which read OTEL_SERVICE_NAME,
OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER (incl. `prometheus`, an
entry point of opentelemetry-exporter-prometheus, with OTEL_EXPORTER_PROMETHEUS_HOST/PORT),
OTEL_LOGS_EXPORTER, OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER(_ARG), OTEL_PROPAGATORS and
OTEL_METRICS_EXEMPLAR_FILTER. This file never reads an OTEL_* variable.

    python3 test/live/services/python/service.py --traces 20 --errors 2 --slow 2 --slow-ms 1200

The command line controls the test only. The first K traces are error traces, the next J slow, the
rest normal. After the last trace the tracer and logger providers are flushed and ONE line is
printed to stdout:
    READY {"service":"…","language":"python","traces":[{"traceId":"…","error":false,"slow":false},…]}
then the process waits (for a Prometheus to scrape) until SIGTERM/SIGINT, shuts the providers down
(which exports the metrics and logs still held) and exits 0.

Every SDK-internal warning or error (exporter failures for traces, metrics and logs included: the
OTLP exporters and the batch processors/periodic reader log them through `logging` under the
`opentelemetry` logger hierarchy) is written to stderr as one line `OTEL-ERROR <message>`.

SDK behaviour worth knowing (opentelemetry-sdk 1.45.2 / distro 0.66b2):
  - The bare `_OTelSDKConfigurator` treats an UNSET OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER
    as "none"; the otlp default comes from the distro (`OpenTelemetryDistro._configure` does
    `os.environ.setdefault(..., "otlp")` for all three signals), which is why the distro runs first
    here, as it does under `opentelemetry-instrument`. The distro also defaults
    OTEL_EXPORTER_OTLP_PROTOCOL to `grpc` (the spec default is http/protobuf).
  - The SDK de-duplicates its own export-error log records (see _drop_duplicate_filters), which
    hid the metrics failure behind the logs failure over gRPC; the filter is removed here.
  - The Prometheus exporter emits no exemplars (its text/OpenMetrics output has none), whatever
    OTEL_METRICS_EXEMPLAR_FILTER says; the filter itself is honoured by the MeterProvider.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time

from opentelemetry import _logs, metrics, trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.instrumentation.auto_instrumentation import initialize
from opentelemetry.trace import SpanKind, Status, StatusCode


# The semantic conventions' boundaries for http.server.request.duration (s).
_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]


class _OtelErrorHandler(logging.Handler):
    """Writes every record of the `opentelemetry` loggers (WARNING and up) as one stderr line."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                message = f"{message} [{type(exc).__name__}: {exc}]"
            line = " ".join(f"{record.name}: {message}".split())
            sys.stderr.write(f"OTEL-ERROR {line}\n")
            sys.stderr.flush()
        except Exception:  # pylint: disable=broad-except
            self.handleError(record)


def _install_error_handler() -> None:
    otel_logger = logging.getLogger("opentelemetry")
    otel_logger.setLevel(logging.WARNING)
    otel_logger.addHandler(_OtelErrorHandler(level=logging.WARNING))
    # Our handler is the only place these records go: no duplicate through the root logger (or
    # through an OTel LoggingHandler on it, which would feed SDK errors back into the SDK).
    otel_logger.propagate = False


def _drop_duplicate_filters() -> None:
    """Lets every export failure through to our handler.

    The SDK puts a `DuplicateFilter` on its export-path loggers (the OTLP gRPC exporter's, the
    http log exporter's, the batch processors'): a record whose (module, level, message template)
    equals the previous one within the same 20 s window is dropped before any handler sees it. The
    gRPC exporter logs logs and metrics failures with ONE template ("Failed to export %s to %s
    …"), so a metrics failure right after a logs failure vanished. The filter guards against a
    feedback loop through an OTel LoggingHandler on the root logger; ours does not propagate
    there (see _install_error_handler), so it is safe to remove.
    """
    for name, candidate in list(logging.root.manager.loggerDict.items()):
        if name.startswith("opentelemetry") and isinstance(candidate, logging.Logger):
            for f in list(candidate.filters):
                if type(f).__name__ == "DuplicateFilter":
                    candidate.removeFilter(f)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="shop service for the o11y-stack live tests")
    parser.add_argument("--traces", type=int, default=20)
    parser.add_argument("--errors", type=int, default=2)
    parser.add_argument("--slow", type=int, default=2)
    parser.add_argument("--slow-ms", dest="slow_ms", type=int, default=1200)
    args = parser.parse_args(argv)
    for name in ("traces", "errors", "slow", "slow_ms"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must be non-negative")
    return args


def main(argv: list[str]) -> int:
    args = _parse_args(argv)
    _install_error_handler()
    # distro.configure() + configurator.configure() (+ instrumentors, none installed): the SDK's
    # own env-driven setup, exactly as under `opentelemetry-instrument`.
    initialize(swallow_exceptions=False)
    _drop_duplicate_filters()

    tracer_provider = trace.get_tracer_provider()
    meter_provider = metrics.get_meter_provider()
    logger_provider = _logs.get_logger_provider()

    # The service name as the SDK resolved it into its resource.
    service_name = str(tracer_provider.resource.attributes.get("service.name", "unknown_service"))
    route = f"/{service_name}"

    tracer = trace.get_tracer("shop-service")
    meter = metrics.get_meter("shop-service")
    logger = _logs.get_logger("shop-service")
    requests = meter.create_counter("shop.requests", description="Requests handled by the shop service")
    # Instrument advice (not SDK config): the semconv buckets of http.server.request.duration, since
    # the SDK's default boundaries (0, 5, 10 … 10000) are for milliseconds.
    duration = meter.create_histogram(
        "shop.request.duration",
        unit="s",
        description="Duration of shop requests",
        explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
    )

    results = []
    for i in range(args.traces):
        is_error = i < args.errors
        is_slow = not is_error and i < args.errors + args.slow
        started = time.perf_counter()
        with tracer.start_as_current_span(
            f"GET {route}",
            kind=SpanKind.SERVER,
            attributes={"http.request.method": "GET", "http.route": route},
            record_exception=False,
            set_status_on_exception=False,
        ) as root:
            with tracer.start_as_current_span("work", kind=SpanKind.INTERNAL):
                # an outgoing call to an uninstrumented dependency (client RED metrics, a service-graph edge)
                with tracer.start_as_current_span(
                    "GET /stock",
                    kind=SpanKind.CLIENT,
                    attributes={"peer.service": "inventory", "http.request.method": "GET"},
                ):
                    time.sleep(0.001)
                time.sleep(args.slow_ms / 1000 if is_slow else (2 + i % 4) / 1000)
            status = 500 if is_error else 200
            root.set_attribute("http.response.status_code", status)
            if is_error:
                err = RuntimeError(f"checkout failed for request {i}: payment backend unavailable")
                root.record_exception(err)
                root.set_status(Status(StatusCode.ERROR, str(err)))
            attributes = {"http.route": route}
            requests.add(1, attributes)
            duration.record(time.perf_counter() - started, attributes)
            logger.emit(
                severity_number=SeverityNumber.ERROR if is_error else SeverityNumber.INFO,
                severity_text="ERROR" if is_error else "INFO",
                body=f"GET {route} failed with 500" if is_error else f"GET {route} served with 200",
                attributes={"http.route": route, "http.response.status_code": status},
            )
            trace_id = format(root.get_span_context().trace_id, "032x")
        results.append({"traceId": trace_id, "error": is_error, "slow": is_slow})

    for provider in (tracer_provider, logger_provider):
        flush = getattr(provider, "force_flush", None)
        if flush is not None:
            flush()

    ready = {"service": service_name, "language": "python", "traces": results}
    sys.stdout.write("READY " + json.dumps(ready, separators=(",", ":")) + "\n")
    sys.stdout.flush()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass

    # Explicit shutdown (each provider then drops its own atexit hook, so nothing runs twice).
    for provider in (tracer_provider, meter_provider, logger_provider):
        shutdown = getattr(provider, "shutdown", None)
        if shutdown is None:
            continue
        try:
            shutdown()
        except Exception as exc:  # pylint: disable=broad-except
            logging.getLogger("opentelemetry.shop").error("%s.shutdown failed: %s", type(provider).__name__, exc)
    sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
