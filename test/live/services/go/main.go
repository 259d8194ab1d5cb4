// Command shop-service is a "shop service" for the o11y-stack live tests: a Go process
// instrumented the way a real service is, configured ONLY through the standard OTEL_* environment
// variables, which the SDK and its contrib helpers read themselves:
//
//   - exporters: go.opentelemetry.io/contrib/exporters/autoexport reads OTEL_TRACES_EXPORTER,
//     OTEL_METRICS_EXPORTER (incl. "prometheus" with OTEL_EXPORTER_PROMETHEUS_HOST/PORT, served on
//     /metrics), OTEL_LOGS_EXPORTER and, through the OTLP exporters, OTEL_EXPORTER_OTLP_*;
//   - propagators: go.opentelemetry.io/contrib/propagators/autoprop reads OTEL_PROPAGATORS;
//   - resource: resource.WithFromEnv reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES;
//   - sampler: sdk/trace reads OTEL_TRACES_SAMPLER(_ARG) itself when no sampler is given;
//   - exemplars: sdk/metric reads OTEL_METRICS_EXEMPLAR_FILTER itself;
//   - batching: OTEL_BSP_*, OTEL_BLRP_*, OTEL_METRIC_EXPORT_* are read by the SDK.
//
// This file never reads an OTEL_* variable.
//
//	shop-service --traces 20 --errors 2 --slow 2 --slow-ms 1200
//
// The command line controls the test only. The first K traces are error traces, the next J slow,
// the rest normal. After the last trace the tracer and logger providers are flushed and ONE line
// is printed to stdout:
//
//	READY {"service":"…","language":"go","traces":[{"traceId":"…","error":false,"slow":false},…]}
//
// then the process waits (for a Prometheus to scrape) until SIGTERM/SIGINT, shuts all providers
// down (which exports the metrics and logs still held) and exits 0.
//
// Every SDK-internal error — exporter failures for traces, metrics and logs included, which the
// batch span/log processors and the periodic metric reader hand to otel.Handle — and every SDK
// warning (the global logr logger at V(1)) is written to stderr as one line `OTEL-ERROR <message>`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr/funcr"
	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/contrib/propagators/autoprop"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

type traceResult struct {
	TraceID string `json:"traceId"`
	Error   bool   `json:"error"`
	Slow    bool   `json:"slow"`
}

type ready struct {
	Service  string        `json:"service"`
	Language string        `json:"language"`
	Traces   []traceResult `json:"traces"`
}

// durationBuckets are the semantic conventions' boundaries for http.server.request.duration (s).
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

var stderrMu sync.Mutex

// otelError writes one `OTEL-ERROR …` line to stderr (newlines folded: the harness reads lines).
func otelError(msg string) {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	fmt.Fprintf(os.Stderr, "OTEL-ERROR %s\n", strings.Join(strings.Fields(msg), " "))
}

// installErrorHooks routes the SDK's error handler and its internal logger (errors and warnings,
// verbosity 1) to OTEL-ERROR lines.
func installErrorHooks() {
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { otelError(err.Error()) }))
	otel.SetLogger(funcr.New(func(prefix, args string) {
		otelError(strings.TrimSpace(prefix + " " + args))
	}, funcr.Options{Verbosity: 1}))
}

func main() {
	os.Exit(run())
}

func run() int {
	traces := flag.Int("traces", 20, "number of traces")
	errorTraces := flag.Int("errors", 2, "number of error traces (the first ones)")
	slowTraces := flag.Int("slow", 2, "number of slow traces (after the error traces)")
	slowMs := flag.Int("slow-ms", 1200, "duration of a slow trace's root span, in milliseconds")
	flag.Parse()
	if *traces < 0 || *errorTraces < 0 || *slowTraces < 0 || *slowMs < 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: shop-service --traces N --errors K --slow J --slow-ms MS (non-negative integers)")
		return 2
	}

	installErrorHooks()
	ctx := context.Background()

	res, err := newResource(ctx)
	if err != nil {
		// Partial resources (e.g. a malformed OTEL_RESOURCE_ATTRIBUTES) still come back: report, go on.
		otelError("resource: " + err.Error())
	}

	spanExporter, err := autoexport.NewSpanExporter(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "span exporter from env: %v\n", err)
		return 1
	}
	metricReader, err := autoexport.NewMetricReader(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "metric reader from env: %v\n", err)
		return 1
	}
	logExporter, err := autoexport.NewLogExporter(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "log exporter from env: %v\n", err)
		return 1
	}

	// No WithSampler: the SDK then takes OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG.
	tracerProvider := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(spanExporter))
	meterProvider := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(metricReader))
	loggerProvider := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(logExporter)))
	otel.SetTracerProvider(tracerProvider)
	otel.SetMeterProvider(meterProvider)
	otel.SetLoggerProvider(loggerProvider)
	otel.SetTextMapPropagator(autoprop.NewTextMapPropagator())

	serviceName := "unknown_service"
	if v, ok := res.Set().Value("service.name"); ok {
		serviceName = v.AsString()
	}
	route := "/" + serviceName

	tracer := otel.Tracer("shop-service")
	meter := otel.Meter("shop-service")
	logger := otel.Logger("shop-service")
	requests, err := meter.Int64Counter("shop.requests", metric.WithDescription("Requests handled by the shop service"))
	if err != nil {
		otelError("counter: " + err.Error())
	}
	duration, err := meter.Float64Histogram("shop.request.duration", metric.WithUnit("s"), metric.WithDescription("Duration of shop requests"),
		// Instrument advice (not SDK config): the semconv buckets of http.server.request.duration,
		// since the SDK's default boundaries (0, 5, 10 … 10000) are for milliseconds.
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	if err != nil {
		otelError("histogram: " + err.Error())
	}

	results := make([]traceResult, 0, *traces)
	for i := 0; i < *traces; i++ {
		isError := i < *errorTraces
		isSlow := !isError && i < *errorTraces+*slowTraces
		results = append(results, handle(ctx, handleArgs{
			tracer: tracer, logger: logger, requests: requests, duration: duration,
			route: route, index: i, isError: isError, isSlow: isSlow, slow: time.Duration(*slowMs) * time.Millisecond,
		}))
	}

	flushCtx, cancelFlush := context.WithTimeout(ctx, 30*time.Second)
	if err := tracerProvider.ForceFlush(flushCtx); err != nil {
		otelError("tracer provider flush: " + err.Error())
	}
	if err := loggerProvider.ForceFlush(flushCtx); err != nil {
		otelError("logger provider flush: " + err.Error())
	}
	cancelFlush()

	line, err := json.Marshal(ready{Service: serviceName, Language: "go", Traces: results})
	if err != nil {
		fmt.Fprintf(os.Stderr, "READY line: %v\n", err)
		return 1
	}
	fmt.Printf("READY %s\n", line)
	_ = os.Stdout.Sync()

	sigCtx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	<-sigCtx.Done()
	stop()

	shutdownCtx, cancelShutdown := context.WithTimeout(ctx, 30*time.Second)
	defer cancelShutdown()
	for _, p := range []struct {
		name     string
		shutdown func(context.Context) error
	}{
		{"tracer provider", tracerProvider.Shutdown},
		{"meter provider", meterProvider.Shutdown},
		{"logger provider", loggerProvider.Shutdown},
	} {
		if err := p.shutdown(shutdownCtx); err != nil {
			otelError(p.name + " shutdown: " + err.Error())
		}
	}
	return 0
}

// newResource is the SDK's default resource (service.name fallback, telemetry.sdk.*) merged with
// what OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES say, plus host and process facts.
func newResource(ctx context.Context) (*resource.Resource, error) {
	detected, err := resource.New(ctx,
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithProcessPID(),
		resource.WithProcessRuntimeName(),
		resource.WithProcessRuntimeVersion(),
	)
	if detected == nil {
		return resource.Default(), err
	}
	merged, mergeErr := resource.Merge(resource.Default(), detected)
	if mergeErr != nil {
		// Conflicting schema URLs: the detected attributes alone still carry the env's.
		return detected, errors.Join(err, mergeErr)
	}
	return merged, err
}

type handleArgs struct {
	tracer   trace.Tracer
	logger   otellog.Logger
	requests metric.Int64Counter
	duration metric.Float64Histogram
	route    string
	index    int
	isError  bool
	isSlow   bool
	slow     time.Duration
}

// handle produces one trace: SERVER root `GET /<service>` with an INTERNAL child `work` (which
// makes a CLIENT call `GET /stock` to peer.service inventory), the
// request counter and duration histogram, and one log record, all while the root span is active.
func handle(parent context.Context, a handleArgs) traceResult {
	started := time.Now()
	ctx, root := a.tracer.Start(parent, "GET "+a.route,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("http.request.method", "GET"),
			attribute.String("http.route", a.route),
		))

	wctx, work := a.tracer.Start(ctx, "work", trace.WithSpanKind(trace.SpanKindInternal))
	// an outgoing call to an uninstrumented dependency: client-side RED metrics, and a
	// service-graph edge to a virtual node named by peer.service
	_, call := a.tracer.Start(wctx, "GET /stock", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("peer.service", "inventory"), attribute.String("http.request.method", "GET")))
	time.Sleep(time.Millisecond)
	call.End()
	if a.isSlow {
		time.Sleep(a.slow)
	} else {
		time.Sleep(time.Duration(2+a.index%4) * time.Millisecond)
	}
	work.End()

	status := 200
	if a.isError {
		status = 500
		err := fmt.Errorf("checkout failed for request %d: payment backend unavailable", a.index)
		root.RecordError(err)
		root.SetStatus(codes.Error, err.Error())
	}
	root.SetAttributes(attribute.Int("http.response.status_code", status))

	routeAttr := metric.WithAttributes(attribute.String("http.route", a.route))
	a.requests.Add(ctx, 1, routeAttr)
	a.duration.Record(ctx, time.Since(started).Seconds(), routeAttr)

	var record otellog.Record
	record.SetTimestamp(time.Now())
	if a.isError {
		record.SetSeverity(otellog.SeverityError)
		record.SetSeverityText("ERROR")
		record.SetBody(attribute.StringValue(fmt.Sprintf("GET %s failed with %d", a.route, status)))
	} else {
		record.SetSeverity(otellog.SeverityInfo)
		record.SetSeverityText("INFO")
		record.SetBody(attribute.StringValue(fmt.Sprintf("GET %s served with %d", a.route, status)))
	}
	record.AddAttributes(attribute.String("http.route", a.route), attribute.Int("http.response.status_code", status))
	a.logger.Emit(ctx, record)

	root.End()
	return traceResult{TraceID: root.SpanContext().TraceID().String(), Error: a.isError, Slow: a.isSlow}
}
