package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
)

// curl exit codes the health check can tell apart (curl's own numbering).
const (
	curlOK          = 0
	curlUsage       = 2
	curlBadURL      = 3
	curlNoHost      = 6
	curlNoConnect   = 7
	curlWriteError  = 23
	curlHTTPError   = 22
	curlRecvFailure = 56
)

// runCurl is just enough curl for the real Grafana image's health check,
// `curl -fsS -o /dev/null http://127.0.0.1:3000/api/health`: the busybox base
// has no curl, and the check must run unchanged.
func runCurl(args []string) int {
	var fail, silent, showError bool
	output, url := "", ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--fail":
			fail = true
		case a == "--silent":
			silent = true
		case a == "--show-error":
			showError = true
		case a == "--output" || strings.HasPrefix(a, "--output="):
			if v, ok := strings.CutPrefix(a, "--output="); ok {
				output = v
			} else if i+1 < len(args) {
				i++
				output = args[i]
			} else {
				return curlUsageError("option --output: requires parameter")
			}
		case strings.HasPrefix(a, "--"):
			return curlUsageError(fmt.Sprintf("option %s: is unknown (this is the o11y-stack stand-in curl: -f -s -S -o FILE, one URL, GET only)", a))
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				switch a[j] {
				case 'f':
					fail = true
				case 's':
					silent = true
				case 'S':
					showError = true
				case 'o':
					if rest := a[j+1:]; rest != "" {
						output = rest
					} else if i+1 < len(args) {
						i++
						output = args[i]
					} else {
						return curlUsageError("option -o: requires parameter")
					}
					j = len(a)
				default:
					return curlUsageError(fmt.Sprintf("option -%c: is unknown (this is the o11y-stack stand-in curl: -f -s -S -o FILE, one URL, GET only)", a[j]))
				}
			}
		default:
			if url != "" {
				return curlUsageError("the stand-in curl takes one URL")
			}
			url = a
		}
	}
	if url == "" {
		return curlUsageError("no URL specified")
	}
	if !strings.Contains(url, "://") {
		url = "http://" + url // as curl does
	}

	report := func(code int, msg string) int {
		if !silent || showError {
			fmt.Fprintf(os.Stderr, "curl: (%d) %s\n", code, msg)
		}
		return code
	}

	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return report(curlBadURL, "URL rejected: "+err.Error())
	}
	req.Header.Set("User-Agent", "curl (o11y-stack stand-in)")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr):
			return report(curlNoHost, "Could not resolve host: "+req.URL.Hostname())
		case errors.Is(err, syscall.ECONNREFUSED), isDialError(err):
			return report(curlNoConnect, fmt.Sprintf("Failed to connect to %s: %v", req.URL.Host, err))
		default:
			return report(curlRecvFailure, err.Error())
		}
	}
	defer resp.Body.Close()
	if fail && resp.StatusCode >= 400 {
		return report(curlHTTPError, fmt.Sprintf("The requested URL returned error: %d", resp.StatusCode))
	}

	var out io.Writer = os.Stdout
	if output != "" && output != "-" {
		f, err := os.Create(output)
		if err != nil {
			return report(curlWriteError, fmt.Sprintf("Failed writing body: %v", err))
		}
		defer f.Close()
		out = f
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		return report(curlRecvFailure, "Failure when receiving data from the peer: "+err.Error())
	}
	return curlOK
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func curlUsageError(msg string) int {
	fmt.Fprintln(os.Stderr, "curl:", msg)
	return curlUsage
}
