package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

const grafanaDefaultPort = 3000

func runGrafana(args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "grafana (stand-in): ignoring arguments %q\n", args)
	}
	// GF_PATHS_PROVISIONING is the real image's setting; the dashboards
	// override exists only so the stand-in can be tried outside a container.
	provisioning := envOr("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning")
	dashboards := envOr("O11Y_STAND_IN_GRAFANA_DASHBOARDS", "/etc/grafana/dashboards")

	// Grafana refuses some broken provisioning files at start but only logs
	// others (a dashboard that is not JSON is skipped); failing on all of them
	// turns a silently missing dashboard into a failed deploy test.
	var problems []string
	for _, dir := range []string{filepath.Join(provisioning, "datasources"), filepath.Join(provisioning, "dashboards")} {
		problems = append(problems, checkFiles(dir, func(string) bool { return true }, checkYAML)...)
	}
	problems = append(problems, checkFiles(dashboards, func(p string) bool { return strings.HasSuffix(p, ".json") }, checkJSON)...)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "grafana (stand-in):", p)
		}
		return 1
	}

	port := grafanaDefaultPort
	if v := os.Getenv("GF_SERVER_HTTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p <= 0 || p > 65535 {
			fmt.Fprintf(os.Stderr, "grafana (stand-in): GF_SERVER_HTTP_PORT: bad port %q\n", v)
			return 1
		}
		port = p
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"database":"ok","version":"stand-in"}`)
	})
	serveMetrics(mux, "grafana/grafana")
	srv, err := listenHTTP("grafana", fmt.Sprintf(":%d", port), "grafana", mux)
	if err != nil {
		fmt.Fprintln(os.Stderr, "grafana (stand-in):", err)
		return 1
	}
	banner("grafana/grafana", "checks that its provisioning files and dashboards parse and answers /api/health", "serve a UI, query datasources, provision anything, or evaluate alerts")
	return serveUntilSignal([]*listener{srv}, nil, nil)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// checkFiles checks every regular file under dir that want selects; a missing
// dir is fine, as the real image starts without one.
func checkFiles(dir string, want func(string) bool, check func([]byte) error) []string {
	var problems []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			problems = append(problems, fmt.Sprintf("%s: %v", path, err))
			return nil
		}
		if d.IsDir() || !want(path) {
			return nil
		}
		// Stat follows symlinks: mounted config files are often links.
		if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", path, err))
			}
			return nil
		}
		data, err := os.ReadFile(path)
		if err == nil {
			err = check(data)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s", path, oneLine(err.Error())))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.SkipDir) {
		problems = append(problems, fmt.Sprintf("%s: %v", dir, err))
	}
	return problems
}

func checkYAML(data []byte) error {
	var v any
	return yaml.Unmarshal(data, &v)
}

func checkJSON(data []byte) error {
	var v any
	return json.Unmarshal(data, &v)
}
