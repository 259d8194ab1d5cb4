package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Only the data packages of go.opentelemetry.io/proto/otlp are imported, not
// the collector/* service packages: those pull in grpc-gateway. That works
// because an Export*ServiceRequest is byte-for-byte a TracesData / LogsData
// (field 1, the repeated resource spans or logs), in protobuf and in JSON.

const maxOTLPBody = 64 << 20

type otlpEncoding int

const (
	encProto otlpEncoding = iota
	encJSON
)

// readOTLPBody returns the decoded request body and its encoding, or writes the
// error response itself and returns ok=false.
func readOTLPBody(w http.ResponseWriter, r *http.Request) (body []byte, enc otlpEncoding, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "OTLP/HTTP takes POST only", http.StatusMethodNotAllowed)
		return nil, 0, false
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-protobuf", "application/protobuf":
		enc = encProto
	case "application/json":
		enc = encJSON
	default:
		http.Error(w, fmt.Sprintf("unsupported Content-Type %q: OTLP/HTTP takes application/x-protobuf or application/json", ct), http.StatusUnsupportedMediaType)
		return nil, 0, false
	}
	var reader io.Reader = r.Body
	switch strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))) {
	case "", "identity":
	case "gzip":
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, "bad gzip body: "+err.Error(), http.StatusBadRequest)
			return nil, 0, false
		}
		defer gz.Close()
		reader = gz
	default:
		http.Error(w, "unsupported Content-Encoding "+r.Header.Get("Content-Encoding"), http.StatusUnsupportedMediaType)
		return nil, 0, false
	}
	body, err := io.ReadAll(io.LimitReader(reader, maxOTLPBody+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return nil, 0, false
	}
	if len(body) > maxOTLPBody {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return nil, 0, false
	}
	return body, enc, true
}

func unmarshalOTLP(body []byte, enc otlpEncoding, msg proto.Message) error {
	if enc == encProto {
		return proto.Unmarshal(body, msg)
	}
	fixed, err := hexIDsToBase64(body)
	if err != nil {
		return err
	}
	return protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(fixed, msg)
}

// writeOTLPSuccess answers with an empty Export*ServiceResponse in the
// request's encoding, which is what OTLP exporters expect on success.
func writeOTLPSuccess(w http.ResponseWriter, enc otlpEncoding) {
	if enc == encJSON {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("{}"))
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

// OTLP/JSON writes trace and span ids as hex, where the protobuf JSON mapping
// (protojson) expects base64 for bytes fields; so the ids are rewritten before
// decoding. The keys only occur on spans, links and log records (attribute
// names are values of "key", never object keys), so a blind walk is safe.
var otlpIDKeys = map[string]int{
	"traceId": 16, "trace_id": 16,
	"spanId": 8, "span_id": 8,
	"parentSpanId": 8, "parent_span_id": 8,
}

func hexIDsToBase64(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keeps 64-bit nanosecond timestamps exact
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("bad JSON: %w", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, child := range t {
				if size, isID := otlpIDKeys[k]; isID {
					if s, isString := child.(string); isString {
						if raw, err := hex.DecodeString(s); err == nil && len(raw) == size {
							t[k] = base64.StdEncoding.EncodeToString(raw)
						}
					}
					continue
				}
				walk(child)
			}
		case []any:
			for _, child := range t {
				walk(child)
			}
		}
	}
	walk(doc)
	return json.Marshal(doc)
}
