package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
)

const (
	lokiDefaultHTTPPort = 3100
	lokiMaxEntries      = 100_000
	lokiDefaultLimit    = 100
)

// lokiIndexAttributes are the resource attributes Loki 3 turns into stream
// (index) labels by default, per its OTLP ingestion docs; every other resource
// attribute becomes structured metadata. Queries select streams by these.
var lokiIndexAttributes = map[string]bool{
	"service.name": true, "service.namespace": true, "service.instance.id": true,
	"deployment.environment": true, "deployment.environment.name": true,
	"cloud.region": true, "cloud.availability_zone": true,
	"k8s.cluster.name": true, "k8s.namespace.name": true, "k8s.pod.name": true,
	"k8s.container.name": true, "container.name": true, "k8s.replicaset.name": true,
	"k8s.deployment.name": true, "k8s.statefulset.name": true, "k8s.daemonset.name": true,
	"k8s.cronjob.name": true, "k8s.job.name": true,
}

const lokiSubsetHelp = `the o11y-stack stand-in for Loki supports only a stream selector of equality matchers, {name="value", ...}, optionally followed by | trace_id="..." or | span_id="..." label filters`

type logEntry struct {
	labels map[string]string // stream labels
	meta   map[string]string // structured metadata
	ts     int64
	line   string
}

type logStore struct{ entries *ring[logEntry] }

func runLoki(args []string) int {
	flags, err := parseServerFlags("loki", args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loki (stand-in):", err)
		return 1
	}
	if flags.health {
		port := lokiDefaultHTTPPort
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
		fmt.Fprintf(os.Stderr, "loki (stand-in): config file %q: %v\n", flags.configFile, err)
		return 1
	}
	port, err := portFrom(cfg, lokiDefaultHTTPPort, "server", "http_listen_port")
	if err != nil {
		fmt.Fprintf(os.Stderr, "loki (stand-in): config file %q: %v\n", flags.configFile, err)
		return 1
	}
	if flags.httpPort != 0 {
		port = flags.httpPort
	}

	store := &logStore{entries: newRing[logEntry](lokiMaxEntries)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ready") })
	serveMetrics(mux, "grafana/loki")
	mux.HandleFunc("/otlp/v1/logs", store.handlePush)
	mux.HandleFunc("/loki/api/v1/query_range", store.handleQuery)
	mux.HandleFunc("/loki/api/v1/query", store.handleQuery)
	mux.HandleFunc("GET /loki/api/v1/labels", store.handleLabels)
	mux.HandleFunc("GET /loki/api/v1/label/{name}/values", store.handleLabelValues)
	srv, err := listenHTTP("loki", fmt.Sprintf(":%d", port), "loki", mux)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loki (stand-in):", err)
		return 1
	}
	banner("grafana/loki", "speaks OTLP logs in and a subset of the LogQL query API", "build chunks or indexes, use object storage, run the ruler, or apply retention")
	return serveUntilSignal([]*listener{srv}, nil, nil)
}

func (s *logStore) handlePush(w http.ResponseWriter, r *http.Request) {
	body, enc, ok := readOTLPBody(w, r)
	if !ok {
		return
	}
	ld := &logspb.LogsData{}
	if err := unmarshalOTLP(body, enc, ld); err != nil {
		http.Error(w, "bad OTLP logs: "+err.Error(), http.StatusBadRequest)
		return
	}
	s.entries.push(otlpToEntries(ld, time.Now())...)
	// Loki answers a successful push with 204; OTLP exporters take any 2xx.
	w.WriteHeader(http.StatusNoContent)
}

func otlpToEntries(ld *logspb.LogsData, now time.Time) []logEntry {
	var out []logEntry
	for _, rl := range ld.GetResourceLogs() {
		labels := map[string]string{}
		resMeta := map[string]string{}
		for _, kv := range rl.GetResource().GetAttributes() {
			if lokiIndexAttributes[kv.GetKey()] {
				labels[labelName(kv.GetKey())] = anyValueString(kv.GetValue())
			} else {
				resMeta[labelName(kv.GetKey())] = anyValueString(kv.GetValue())
			}
		}
		if labels["service_name"] == "" {
			// Loki gives every OTLP stream a service_name, so selectors on it always work.
			labels["service_name"] = "unknown_service"
		}
		for _, sl := range rl.GetScopeLogs() {
			for _, rec := range sl.GetLogRecords() {
				meta := make(map[string]string, len(resMeta)+4)
				for k, v := range resMeta {
					meta[k] = v
				}
				for _, kv := range rec.GetAttributes() {
					meta[labelName(kv.GetKey())] = anyValueString(kv.GetValue())
				}
				if id := rec.GetTraceId(); len(id) > 0 {
					meta["trace_id"] = hex.EncodeToString(id)
				}
				if id := rec.GetSpanId(); len(id) > 0 {
					meta["span_id"] = hex.EncodeToString(id)
				}
				if t := rec.GetSeverityText(); t != "" {
					meta["severity_text"] = t
				}
				ts := int64(rec.GetTimeUnixNano())
				if ts == 0 {
					ts = int64(rec.GetObservedTimeUnixNano())
				}
				if ts == 0 {
					ts = now.UnixNano()
				}
				out = append(out, logEntry{labels: labels, meta: meta, ts: ts, line: anyValueString(rec.GetBody())})
			}
		}
	}
	return out
}

// labelName makes an attribute name a valid Prometheus-style label name, the
// way Loki names OTLP attributes (service.name → service_name).
func labelName(key string) string {
	var b strings.Builder
	for i, c := range key {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9' && i > 0:
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func anyValueString(v *commonpb.AnyValue) string {
	switch t := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return t.StringValue
	case nil:
		return ""
	default:
		data, _ := json.Marshal(anyValueGo(v))
		return string(data)
	}
}

func anyValueGo(v *commonpb.AnyValue) any {
	switch t := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return t.StringValue
	case *commonpb.AnyValue_BoolValue:
		return t.BoolValue
	case *commonpb.AnyValue_IntValue:
		return t.IntValue
	case *commonpb.AnyValue_DoubleValue:
		return t.DoubleValue
	case *commonpb.AnyValue_BytesValue:
		return base64.StdEncoding.EncodeToString(t.BytesValue)
	case *commonpb.AnyValue_ArrayValue:
		out := []any{}
		for _, e := range t.ArrayValue.GetValues() {
			out = append(out, anyValueGo(e))
		}
		return out
	case *commonpb.AnyValue_KvlistValue:
		out := map[string]any{}
		for _, kv := range t.KvlistValue.GetValues() {
			out[kv.GetKey()] = anyValueGo(kv.GetValue())
		}
		return out
	}
	return nil
}

type labelMatcher struct{ name, value string }

type logQuery struct{ selector, filters []labelMatcher }

func (q logQuery) matches(e logEntry) bool {
	for _, m := range q.selector {
		if e.labels[m.name] != m.value {
			return false
		}
	}
	for _, m := range q.filters {
		v, ok := e.meta[m.name]
		if !ok {
			v = e.labels[m.name]
		}
		if v != m.value {
			return false
		}
	}
	return true
}

func (s *logStore) handleQuery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "GET or POST only", http.StatusMethodNotAllowed)
		return
	}
	q, err := parseLogQuery(r.FormValue("query"))
	if err != nil {
		http.Error(w, fmt.Sprintf("parse error: %v: %s", err, lokiSubsetHelp), http.StatusBadRequest)
		return
	}
	limit := lokiDefaultLimit
	if l := r.FormValue("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			http.Error(w, "invalid limit "+strconv.Quote(l), http.StatusBadRequest)
			return
		}
		limit = n
	}
	forward := r.FormValue("direction") == "forward"

	var hits []logEntry
	s.entries.each(func(e logEntry) {
		if q.matches(e) {
			hits = append(hits, e)
		}
	})
	// Loki's default direction is backward: the newest lines, newest first.
	sort.SliceStable(hits, func(i, j int) bool {
		if forward {
			return hits[i].ts < hits[j].ts
		}
		return hits[i].ts > hits[j].ts
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}

	// Streams are split by labels and structured metadata together, as Loki
	// returns them when the client does not ask for categorized labels.
	type stream struct {
		Stream map[string]string `json:"stream"`
		Values [][2]string       `json:"values"`
	}
	result := []*stream{}
	byKey := map[string]*stream{}
	for _, e := range hits {
		all := make(map[string]string, len(e.labels)+len(e.meta))
		for k, v := range e.labels {
			all[k] = v
		}
		for k, v := range e.meta {
			all[k] = v
		}
		key := streamKey(all)
		st, ok := byKey[key]
		if !ok {
			st = &stream{Stream: all}
			byKey[key] = st
			result = append(result, st)
		}
		st.Values = append(st.Values, [2]string{strconv.FormatInt(e.ts, 10), e.line})
	}
	writeJSON(w, map[string]any{
		"status": "success",
		"data":   map[string]any{"resultType": "streams", "result": result},
	})
}

func streamKey(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(labels[k]))
		b.WriteByte(',')
	}
	return b.String()
}

func (s *logStore) handleLabels(w http.ResponseWriter, _ *http.Request) {
	seen := map[string]bool{}
	s.entries.each(func(e logEntry) {
		for k := range e.labels {
			seen[k] = true
		}
	})
	writeJSON(w, map[string]any{"status": "success", "data": sortedKeys(seen)})
}

func (s *logStore) handleLabelValues(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	seen := map[string]bool{}
	s.entries.each(func(e logEntry) {
		if v, ok := e.labels[name]; ok {
			seen[v] = true
		}
	})
	writeJSON(w, map[string]any{"status": "success", "data": sortedKeys(seen)})
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}

// parseLogQuery reads the only LogQL the deploy tests need. Anything richer
// is refused outright rather than half-evaluated, so a test can never pass on
// a query the stand-in silently misread.
func parseLogQuery(query string) (logQuery, error) {
	p := &queryParser{s: query}
	var q logQuery
	p.space()
	if !p.eat('{') {
		return q, fmt.Errorf("expected a stream selector starting with '{'")
	}
	for {
		p.space()
		m, err := p.matcher()
		if err != nil {
			return q, err
		}
		q.selector = append(q.selector, m)
		p.space()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			break
		}
		return q, fmt.Errorf("expected ',' or '}' at offset %d", p.i)
	}
	nonEmpty := false
	for _, m := range q.selector {
		nonEmpty = nonEmpty || m.value != ""
	}
	if !nonEmpty {
		return q, fmt.Errorf("the selector needs a matcher with a non-empty value")
	}
	for {
		p.space()
		if p.i == len(p.s) {
			return q, nil
		}
		if !p.eat('|') {
			return q, fmt.Errorf("unexpected %q at offset %d", p.s[p.i:], p.i)
		}
		p.space()
		m, err := p.matcher()
		if err != nil {
			return q, err
		}
		if m.name != "trace_id" && m.name != "span_id" {
			return q, fmt.Errorf("label filter on %q", m.name)
		}
		q.filters = append(q.filters, m)
	}
}

type queryParser struct {
	s string
	i int
}

func (p *queryParser) space() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\r\n", rune(p.s[p.i])) {
		p.i++
	}
}

func (p *queryParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *queryParser) matcher() (labelMatcher, error) {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && p.i > start {
			p.i++
			continue
		}
		break
	}
	name := p.s[start:p.i]
	if name == "" {
		return labelMatcher{}, fmt.Errorf("expected a label name at offset %d", start)
	}
	p.space()
	if !p.eat('=') {
		return labelMatcher{}, fmt.Errorf("only the equality operator '=' is supported (at offset %d)", p.i)
	}
	if p.i < len(p.s) && p.s[p.i] == '~' {
		return labelMatcher{}, fmt.Errorf("regular-expression matchers are not supported")
	}
	p.eat('=') // `==` is equality too in label filters
	p.space()
	value, err := p.str()
	if err != nil {
		return labelMatcher{}, err
	}
	return labelMatcher{name: name, value: value}, nil
}

func (p *queryParser) str() (string, error) {
	if p.i >= len(p.s) {
		return "", fmt.Errorf("expected a quoted string at the end")
	}
	quote := p.s[p.i]
	if quote != '"' && quote != '`' {
		return "", fmt.Errorf("expected a quoted string at offset %d", p.i)
	}
	for j := p.i + 1; j < len(p.s); j++ {
		if quote == '"' && p.s[j] == '\\' {
			j++
			continue
		}
		if p.s[j] == quote {
			v, err := strconv.Unquote(p.s[p.i : j+1])
			if err != nil {
				return "", fmt.Errorf("bad string %s: %v", p.s[p.i:j+1], err)
			}
			p.i = j + 1
			return v, nil
		}
	}
	return "", fmt.Errorf("unterminated string at offset %d", p.i)
}
