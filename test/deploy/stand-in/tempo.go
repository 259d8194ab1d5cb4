package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	_ "google.golang.org/grpc/encoding/gzip" // the Collector's OTLP/gRPC exporter compresses with gzip by default
	"google.golang.org/protobuf/encoding/protojson"
)

const (
	tempoDefaultHTTPPort = 3200
	tempoDefaultOTLPGRPC = "0.0.0.0:4317"
	tempoDefaultOTLPHTTP = "0.0.0.0:4318"
	tempoMaxSpans        = 100_000
)

func runTempo(args []string) int {
	flags, err := parseServerFlags("tempo", args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tempo (stand-in):", err)
		return 1
	}
	if flags.health {
		// The container's health check runs `/tempo -health` with no config
		// file, so the default port applies unless one is given.
		port := tempoDefaultHTTPPort
		if flags.configFile != "" {
			if cfg, err := loadYAMLConfig(flags.configFile, flags.expandEnv); err == nil {
				if p, err := portFrom(cfg, port, "server", "http_listen_port"); err == nil {
					port = p
				}
			}
		}
		if flags.httpPort != 0 {
			port = flags.httpPort
		}
		return probe(port)
	}

	cfg, err := loadYAMLConfig(flags.configFile, flags.expandEnv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tempo (stand-in): config file %q: %v\n", flags.configFile, err)
		return 1
	}
	httpPort, err := portFrom(cfg, tempoDefaultHTTPPort, "server", "http_listen_port")
	if err == nil && flags.httpPort != 0 {
		httpPort = flags.httpPort
	}
	var grpcAddr, otlpHTTPAddr string
	if err == nil {
		grpcAddr, err = stringFrom(cfg, tempoDefaultOTLPGRPC, "distributor", "receivers", "otlp", "protocols", "grpc", "endpoint")
	}
	if err == nil {
		otlpHTTPAddr, err = stringFrom(cfg, tempoDefaultOTLPHTTP, "distributor", "receivers", "otlp", "protocols", "http", "endpoint")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tempo (stand-in): config file %q: %v\n", flags.configFile, err)
		return 1
	}

	store := newSpanStore(tempoMaxSpans)

	api := http.NewServeMux()
	api.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ready") })
	serveMetrics(api, "grafana/tempo")
	api.HandleFunc("GET /api/echo", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "echo") })
	api.HandleFunc("GET /api/v2/traces/{id}", store.traceHandler(true))
	api.HandleFunc("GET /api/traces/{id}", store.traceHandler(false))
	apiSrv, err := listenHTTP("tempo api", fmt.Sprintf(":%d", httpPort), "tempo", api)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tempo (stand-in):", err)
		return 1
	}

	otlpHTTP := http.NewServeMux()
	otlpHTTP.HandleFunc("/v1/traces", func(w http.ResponseWriter, r *http.Request) {
		body, enc, ok := readOTLPBody(w, r)
		if !ok {
			return
		}
		td := &tracepb.TracesData{}
		if err := unmarshalOTLP(body, enc, td); err != nil {
			http.Error(w, "bad OTLP traces: "+err.Error(), http.StatusBadRequest)
			return
		}
		store.add(td)
		writeOTLPSuccess(w, enc)
	})
	otlpSrv, err := listenHTTP("tempo otlp/http", otlpHTTPAddr, "tempo", otlpHTTP)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tempo (stand-in):", err)
		return 1
	}

	grpcLn, err := net.Listen("tcp", grpcAddr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tempo (stand-in): otlp/grpc: listen %s: %v\n", grpcAddr, err)
		return 1
	}
	grpcSrv := grpc.NewServer()
	grpcSrv.RegisterService(&traceServiceDesc, store)

	banner("grafana/tempo", "speaks OTLP in and a subset of the query API", "store blocks, compact, or compute span metrics")
	return serveUntilSignal(
		[]*listener{apiSrv, otlpSrv},
		[]func() error{func() error { return grpcSrv.Serve(grpcLn) }},
		func() { stopGRPC(grpcSrv) },
	)
}

func stopGRPC(s *grpc.Server) {
	done := make(chan struct{})
	go func() { s.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.Stop()
	}
}

// traceServiceDesc serves opentelemetry.proto.collector.trace.v1.TraceService
// without the generated collector package (see otlp.go for why TracesData can
// stand for the request and, empty, for the response).
var traceServiceDesc = grpc.ServiceDesc{
	ServiceName: "opentelemetry.proto.collector.trace.v1.TraceService",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Export",
		Handler: func(srv any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			td := &tracepb.TracesData{}
			if err := dec(td); err != nil {
				return nil, err
			}
			srv.(*spanStore).add(td)
			return &tracepb.TracesData{}, nil
		},
	}},
	Metadata: "opentelemetry/proto/collector/trace/v1/trace_service.proto",
}

// storedSpan keeps a span with shells of its resource and scope (no children):
// spans are stored one by one so the oldest can be dropped, and the shells are
// shared by the spans of one batch so a trace can be regrouped as it arrived.
type storedSpan struct {
	traceID  [16]byte
	resource *tracepb.ResourceSpans
	scope    *tracepb.ScopeSpans
	span     *tracepb.Span
}

type spanStore struct{ spans *ring[storedSpan] }

func newSpanStore(limit int) *spanStore { return &spanStore{spans: newRing[storedSpan](limit)} }

func (s *spanStore) add(td *tracepb.TracesData) {
	var batch []storedSpan
	for _, rs := range td.GetResourceSpans() {
		resShell := &tracepb.ResourceSpans{Resource: rs.GetResource(), SchemaUrl: rs.GetSchemaUrl()}
		for _, ss := range rs.GetScopeSpans() {
			scopeShell := &tracepb.ScopeSpans{Scope: ss.GetScope(), SchemaUrl: ss.GetSchemaUrl()}
			for _, sp := range ss.GetSpans() {
				if len(sp.GetTraceId()) != 16 {
					continue // unfindable by id; Tempo refuses such spans too
				}
				st := storedSpan{resource: resShell, scope: scopeShell, span: sp}
				copy(st.traceID[:], sp.GetTraceId())
				batch = append(batch, st)
			}
		}
	}
	s.spans.push(batch...)
}

// find returns the trace's spans grouped by resource and scope, oldest first.
func (s *spanStore) find(id [16]byte) []*tracepb.ResourceSpans {
	var out []*tracepb.ResourceSpans
	byResource := map[*tracepb.ResourceSpans]*tracepb.ResourceSpans{}
	byScope := map[*tracepb.ScopeSpans]*tracepb.ScopeSpans{}
	s.spans.each(func(st storedSpan) {
		if st.traceID != id {
			return
		}
		rs, ok := byResource[st.resource]
		if !ok {
			rs = &tracepb.ResourceSpans{Resource: st.resource.Resource, SchemaUrl: st.resource.SchemaUrl}
			byResource[st.resource] = rs
			out = append(out, rs)
		}
		ss, ok := byScope[st.scope]
		if !ok {
			ss = &tracepb.ScopeSpans{Scope: st.scope.Scope, SchemaUrl: st.scope.SchemaUrl}
			byScope[st.scope] = ss
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
		}
		ss.Spans = append(ss.Spans, st.span)
	})
	return out
}

// parseTraceID accepts up to 32 hex digits, left-padding shorter ids as Tempo
// does (64-bit ids from older tracers arrive that way).
func parseTraceID(s string) ([16]byte, error) {
	var id [16]byte
	if s == "" || len(s) > 32 {
		return id, fmt.Errorf("trace id must be 1 to 32 hex digits")
	}
	raw, err := hex.DecodeString(strings.Repeat("0", 32-len(s)) + s)
	if err != nil {
		return id, fmt.Errorf("trace id is not hex")
	}
	copy(id[:], raw)
	return id, nil
}

func (s *spanStore) traceHandler(v2 bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := parseTraceID(r.PathValue("id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		batches := s.find(id)
		if len(batches) == 0 {
			http.Error(w, "trace not found", http.StatusNotFound)
			return
		}
		var b strings.Builder
		if v2 {
			// ids come out base64 (the protobuf JSON mapping of bytes), not hex as in OTLP/JSON requests.
			data, err := protojson.Marshal(&tracepb.TracesData{ResourceSpans: batches})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			b.WriteString(`{"trace":`)
			b.Write(data)
			b.WriteString(`}`)
		} else {
			b.WriteString(`{"batches":[`)
			for i, rs := range batches {
				data, err := protojson.Marshal(rs)
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				if i > 0 {
					b.WriteByte(',')
				}
				b.Write(data)
			}
			b.WriteString(`]}`)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, b.String())
	}
}
