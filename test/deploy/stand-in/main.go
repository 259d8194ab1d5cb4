// Command stand-in is a TEST STAND-IN for three AGPL-licensed images that
// o11y-stack's deploy tests must neither build nor run: Grafana Tempo 3.0.3,
// Grafana Loki 3.7.6 and Grafana 13.2.3. The deploy tests copy this one static
// binary into busybox-based images tagged with the real images' names, so the
// synthesized Terraform applies unchanged and its containers start, pass their
// health checks and accept telemetry.
//
// It is: a multi-call binary chosen by the base name of argv[0]
//
//	tempo            (/tempo)          OTLP traces in (gRPC and HTTP), trace-by-id out
//	loki             (/usr/bin/loki)   OTLP logs in, a tiny LogQL subset out
//	run.sh, grafana  (/run.sh)         provisioning files checked, /api/health
//	curl             (/usr/bin/curl)   just enough curl for Grafana's health check
//
// It is not: Tempo, Loki or Grafana, nor derived from them. It keeps data in
// memory only, ignores storage, Kafka, retention and every other setting it does
// not name below, computes no metrics, and answers only the API calls the deploy
// tests make. A test passing against it says the wiring is right (ports, paths,
// config files, OTLP endpoints), not that the real images accept the config:
// that is checked separately against the upstream configuration references.
// No code was copied from Tempo, Loki or Grafana.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// standInHeader marks every response, so a test (or a person reading a failed
// test's output) can never mistake the stand-in for the real service.
const standInHeader = "X-O11y-Stand-In"

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	var code int
	switch name {
	case "tempo":
		code = runTempo(args)
	case "loki":
		code = runLoki(args)
	case "run.sh", "grafana":
		code = runGrafana(args)
	case "curl":
		code = runCurl(args)
	default:
		// Lets the binary be tried out without a symlink: `stand-in tempo -config.file=...`.
		if len(args) > 0 {
			os.Args = args
			main()
			return
		}
		fmt.Fprintf(os.Stderr, "stand-in: unknown mode %q: invoke as tempo, loki, run.sh, grafana or curl (by symlink or as the first argument)\n", name)
		code = 2
	}
	os.Exit(code)
}

// serveMetrics answers Prometheus's scrape of the component with one series that says what it
// is: the stacks scrape Tempo, Loki and Grafana, and a stand-in must prove the scrape reaches it
// (host, port, path) without pretending to have the real component's metrics.
func serveMetrics(mux *http.ServeMux, image string) {
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# HELP o11y_stand_in_info A stand-in for an AGPL component, not the component itself.\n# TYPE o11y_stand_in_info gauge\no11y_stand_in_info{image=%q} 1\n", image)
	})
}

func banner(image, speaks, doesNot string) {
	fmt.Printf("STAND-IN for %s (AGPL, not built or run by o11y-stack's tests): %s; it does not %s\n", image, speaks, doesNot)
}

func withHeader(mode string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(standInHeader, mode)
		h.ServeHTTP(w, r)
	})
}

// listener binds before anything is announced, so a port clash fails the
// container at start instead of surfacing later as a health-check timeout.
type listener struct {
	name string
	ln   net.Listener
	srv  *http.Server // nil for the gRPC listener
}

func listenHTTP(name, addr, mode string, h http.Handler) (*listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: listen %s: %w", name, addr, err)
	}
	srv := &http.Server{Handler: withHeader(mode, h), ReadHeaderTimeout: 10 * time.Second}
	return &listener{name: name, ln: ln, srv: srv}, nil
}

// serveUntilSignal runs the HTTP servers (and the optional extra servers, such
// as gRPC) until SIGTERM or SIGINT. Docker and ECS stop containers with
// SIGTERM; exiting 0 then keeps a clean stop from looking like a crash.
func serveUntilSignal(servers []*listener, extra []func() error, stopExtra func()) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	failed := make(chan error, len(servers)+len(extra))
	for _, s := range servers {
		go func(s *listener) {
			if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				failed <- fmt.Errorf("%s: %w", s.name, err)
			}
		}(s)
	}
	for _, run := range extra {
		go func(run func() error) {
			if err := run(); err != nil {
				failed <- err
			}
		}(run)
	}

	code := 0
	select {
	case <-ctx.Done():
	case err := <-failed:
		fmt.Fprintln(os.Stderr, "stand-in:", err)
		code = 1
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.srv.Shutdown(shutdownCtx)
	}
	if stopExtra != nil {
		stopExtra()
	}
	return code
}

// probe is the `-health` mode of tempo and loki: the real images check
// themselves this way because they ship no shell or wget.
func probe(port int) int {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/ready", port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "health: /ready returned", resp.Status)
		return 1
	}
	return 0
}
