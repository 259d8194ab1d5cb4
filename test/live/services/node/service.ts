/**
 * A "shop service" for the live tests: a Node process instrumented the way a real service is,
 * configured ONLY through the standard OTEL_* environment variables, which `NodeSDK` reads itself
 * (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER incl.
 * `prometheus` with OTEL_EXPORTER_PROMETHEUS_HOST/PORT, OTEL_LOGS_EXPORTER, OTEL_EXPORTER_OTLP_*,
 * OTEL_TRACES_SAMPLER(_ARG), OTEL_PROPAGATORS). This file never reads an OTEL_* variable.
 *
 *   node -r ./bin/register.js test/live/services/node/service.ts --traces 20 --errors 2 --slow 2 --slow-ms 1200
 *
 * The command line controls the test only. The first K traces are error traces, the next J slow,
 * the rest normal. After the last trace the tracer and logger providers are flushed and ONE line
 * is printed to stdout:
 *   READY {"service":"…","language":"node","traces":[{"traceId":"…","error":false,"slow":false},…]}
 * then the process waits (for a Prometheus to scrape) until SIGTERM/SIGINT, shuts the SDK down
 * (which exports the metrics and logs still held) and exits 0.
 *
 * Every SDK-internal warning or error — exporter failures for traces, metrics and logs included —
 * is written to stderr as one line `OTEL-ERROR <message>`. They reach us two ways: the global
 * error handler of @opentelemetry/core, which the batch span/log processors and the periodic
 * metric reader call on a failed export, and `diag` (level WARN), where the exporters and the
 * SDK setup log with `diag.warn`/`diag.error`.
 *
 * SDK limitations (sdk-node 0.301.0 / sdk-metrics 3.1.0):
 *  - OTEL_METRICS_EXEMPLAR_FILTER is ignored: the JS metrics SDK implements no exemplars, so the
 *    Prometheus endpoint of this process never carries any.
 *  - The Logs API lives in `@opentelemetry/api` (>= 1.10) itself, which is where sdk-logs 3.x
 *    registers its provider; the separate `@opentelemetry/api-logs` package would be a second,
 *    never-registered global, so it is not used.
 */
import { inspect } from 'node:util';
import { diag, DiagLogLevel, DiagLogger, logs, metrics, SeverityNumber, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { defaultResource, detectResources, envDetector } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

interface Options {
  traces: number;
  errors: number;
  slow: number;
  slowMs: number;
}

interface TraceResult {
  traceId: string;
  error: boolean;
  slow: boolean;
}

/** The semantic conventions' boundaries for http.server.request.duration (s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const FLAGS: Record<string, keyof Options> = { '--traces': 'traces', '--errors': 'errors', '--slow': 'slow', '--slow-ms': 'slowMs' };

function parseArgs(argv: string[]): Options {
  const options: Options = { traces: 20, errors: 2, slow: 2, slowMs: 1200 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const key = FLAGS[flag];
    if (key === undefined) throw new Error(`unknown argument: ${arg} (expected --traces N --errors K --slow J --slow-ms MS)`);
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < 0) throw new Error(`${flag}: expected a non-negative integer (got ${raw})`);
    options[key] = value;
  }
  return options;
}

/** One line per argument list, whatever the SDK hands us (strings, Errors, arrays of them, gRPC status objects). */
function formatArgs(message: string, args: unknown[]): string {
  return [message, ...args.map(valueText)].join(' ').replace(/\s*\n\s*/g, ' ');
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return errorText(value);
  if (Array.isArray(value)) return value.map(valueText).join('; ');
  return inspect(value, { breakLength: Infinity, depth: 4 });
}

/** `name: message (code …)`, with the cause chain; no stack (one line, and the harness greps it). */
function errorText(e: Error): string {
  const code = (e as { code?: unknown }).code;
  let text = `${e.name}: ${e.message}${code !== undefined ? ` (code ${String(code)})` : ''}`;
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined) text += ` [cause: ${valueText(cause)}]`;
  return text;
}

const otelErrorLogger: DiagLogger = {
  error: (message, ...args) => process.stderr.write(`OTEL-ERROR ${formatArgs(message, args)}\n`),
  warn: (message, ...args) => process.stderr.write(`OTEL-ERROR ${formatArgs(message, args)}\n`),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

function installDiagLogger(): void {
  diag.setLogger(otelErrorLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

/**
 * The batch span/log processors and the periodic metric reader report a failed export to the
 * global error handler. Its default (core's loggingErrorHandler) would reach the diag logger too,
 * but as a JSON dump with the stack; this writes the same error as one readable line.
 */
function installErrorHandler(): void {
  setGlobalErrorHandler((e) => process.stderr.write(`OTEL-ERROR ${valueText(e).replace(/\s*\n\s*/g, ' ')}\n`));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sleeps at least `ms` by the clock spans are timed with: a Node timer may fire up to ~1 ms early. */
async function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) await sleep(Math.ceil(left));
}

/** The providers registered by NodeSDK, for a flush before READY (NodeSDK itself only offers shutdown). */
interface Flushable {
  forceFlush?: () => Promise<void>;
}

async function flushProviders(): Promise<void> {
  const proxy = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const tracerProvider = (proxy.getDelegate ? proxy.getDelegate() : proxy) as Flushable;
  const loggerProvider = logs.getLoggerProvider() as Flushable;
  for (const provider of [tracerProvider, loggerProvider]) {
    if (typeof provider.forceFlush === 'function') {
      await provider.forceFlush().catch((e: unknown) => diag.error('forceFlush failed', e));
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));

  // Before the SDK is constructed: the constructor already reads the env and may warn. NodeSDK
  // installs a console logger of its own when OTEL_LOG_LEVEL is set, so ours goes back on after.
  installErrorHandler();
  installDiagLogger();
  const sdk = new NodeSDK();
  installDiagLogger();
  sdk.start();

  const tracer = trace.getTracer('shop-service');
  const meter = metrics.getMeter('shop-service');
  const logger = logs.getLogger('shop-service');
  const requests = meter.createCounter('shop.requests', { description: 'Requests handled by the shop service' });
  const duration = meter.createHistogram('shop.request.duration', {
    description: 'Duration of shop requests',
    unit: 's',
    // Instrument advice (not SDK config): the semconv buckets of http.server.request.duration,
    // since the SDK's default boundaries (0, 5, 10 … 10000) are for milliseconds.
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });

  // The service name as the SDK resolves it: its default resource merged with the detector that
  // NodeSDK itself uses for OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES.
  const serviceName = String(defaultResource().merge(detectResources({ detectors: [envDetector] })).attributes['service.name']);
  const route = `/${serviceName}`;

  const results: TraceResult[] = [];
  for (let i = 0; i < options.traces; i++) {
    const isError = i < options.errors;
    const isSlow = !isError && i < options.errors + options.slow;
    const started = process.hrtime.bigint();
    const traceId = await tracer.startActiveSpan(
      `GET ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': route } },
      async (root) => {
        await tracer.startActiveSpan('work', { kind: SpanKind.INTERNAL }, async (work) => {
          // an outgoing call to an uninstrumented dependency (client RED metrics, a service-graph edge)
          await tracer.startActiveSpan('GET /stock', { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'inventory', 'http.request.method': 'GET' } }, async (call) => {
            await sleepAtLeast(1);
            call.end();
          });
          await sleepAtLeast(isSlow ? options.slowMs : 2 + (i % 4));
          work.end();
        });
        const status = isError ? 500 : 200;
        root.setAttribute('http.response.status_code', status);
        if (isError) {
          const err = new Error(`checkout failed for request ${i}: payment backend unavailable`);
          root.recordException(err);
          root.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        }
        const attributes = { 'http.route': route };
        requests.add(1, attributes);
        duration.record(Number(process.hrtime.bigint() - started) / 1e9, attributes);
        logger.emit({
          severityNumber: isError ? SeverityNumber.ERROR : SeverityNumber.INFO,
          severityText: isError ? 'ERROR' : 'INFO',
          body: isError ? `GET ${route} failed with 500` : `GET ${route} served with 200`,
          attributes: { 'http.route': route, 'http.response.status_code': status },
        });
        root.end();
        return root.spanContext().traceId;
      },
    );
    results.push({ traceId, error: isError, slow: isSlow });
  }

  await flushProviders();
  process.stdout.write(`READY ${JSON.stringify({ service: serviceName, language: 'node', traces: results })}\n`);

  // Stay up for scrapes; the Prometheus exporter's server (if configured) would keep the loop
  // alive anyway, this timer does it when there is none.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    const guard = setTimeout(() => {
      process.stderr.write(`OTEL-ERROR shutdown did not finish within 30s after ${signal}\n`);
      process.exit(0);
    }, 30_000);
    guard.unref();
    sdk
      .shutdown()
      .catch((e: unknown) => diag.error('SDK shutdown failed', e))
      .finally(() => {
        // Let any error logged in a rejected export callback reach stderr first.
        setImmediate(() => process.exit(0));
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(2);
});
