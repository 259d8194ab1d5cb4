package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// serverFlags are the command-line flags of tempo and loki the synthesized
// containers use. Other flags are accepted with a warning rather than refused:
// the stand-in cannot know every flag of the real binaries, and refusing one the
// real binary accepts would fail a deploy test for the wrong reason.
type serverFlags struct {
	configFile string
	expandEnv  bool
	health     bool
	httpPort   int // from -server.http-listen-port; 0 when not given
	target     string
}

func parseServerFlags(mode string, args []string) (serverFlags, error) {
	var f serverFlags
	takesValue := map[string]bool{"config.file": true, "server.http-listen-port": true, "target": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			fmt.Fprintf(os.Stderr, "%s (stand-in): ignoring argument %q\n", mode, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, hasValue = k, v, true
		}
		if takesValue[name] && !hasValue {
			if i+1 >= len(args) {
				return f, fmt.Errorf("flag -%s needs a value", name)
			}
			i++
			value = args[i]
		}
		switch name {
		case "config.file":
			f.configFile = value
		case "target":
			f.target = value
		case "server.http-listen-port":
			p, err := strconv.Atoi(value)
			if err != nil || p <= 0 || p > 65535 {
				return f, fmt.Errorf("flag -server.http-listen-port: bad port %q", value)
			}
			f.httpPort = p
		case "health", "config.expand-env":
			on := true
			if hasValue {
				b, err := strconv.ParseBool(value)
				if err != nil {
					return f, fmt.Errorf("flag -%s: bad boolean %q", name, value)
				}
				on = b
			}
			if name == "health" {
				f.health = on
			} else {
				f.expandEnv = on
			}
		default:
			fmt.Fprintf(os.Stderr, "%s (stand-in): ignoring flag %s\n", mode, a)
		}
	}
	return f, nil
}

// loadYAMLConfig is deliberately shallow: it proves the file the container was
// given exists and is YAML, and hands back the few values the stand-in needs.
// Whether the real binary accepts every key is checked elsewhere, against the
// upstream configuration references.
func loadYAMLConfig(path string, expandEnv bool) (map[string]any, error) {
	if path == "" {
		return nil, fmt.Errorf("no -config.file given")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text := string(data)
	if expandEnv {
		text = expandEnvVars(text)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
		return nil, fmt.Errorf("not valid YAML (or not a mapping): %s", oneLine(err.Error()))
	}
	if cfg == nil {
		cfg = map[string]any{}
	}
	return cfg, nil
}

// expandEnvVars mirrors the `-config.expand-env=true` behaviour the Tempo tasks
// rely on: ${VAR} and ${VAR:-default}.
func expandEnvVars(s string) string {
	return os.Expand(s, func(name string) string {
		if k, def, ok := strings.Cut(name, ":-"); ok {
			if v, set := os.LookupEnv(k); set && v != "" {
				return v
			}
			return def
		}
		return os.Getenv(name)
	})
}

func lookup(cfg map[string]any, path ...string) (any, bool) {
	var cur any = cfg
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

func portFrom(cfg map[string]any, def int, path ...string) (int, error) {
	v, ok := lookup(cfg, path...)
	if !ok {
		return def, nil
	}
	var p int
	switch t := v.(type) {
	case int:
		p = t
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(t))
		if err != nil {
			return 0, fmt.Errorf("%s: not a port: %q", strings.Join(path, "."), t)
		}
		p = n
	default:
		return 0, fmt.Errorf("%s: not a port: %v", strings.Join(path, "."), v)
	}
	if p <= 0 || p > 65535 {
		return 0, fmt.Errorf("%s: port out of range: %d", strings.Join(path, "."), p)
	}
	return p, nil
}

func stringFrom(cfg map[string]any, def string, path ...string) (string, error) {
	v, ok := lookup(cfg, path...)
	if !ok {
		return def, nil
	}
	s, isString := v.(string)
	if !isString || s == "" {
		return "", fmt.Errorf("%s: expected \"host:port\", got %v", strings.Join(path, "."), v)
	}
	return s, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
