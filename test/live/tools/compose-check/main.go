// compose-check loads docker-compose files with the Compose project's own loader
// (github.com/compose-spec/compose-go), which validates them against the Compose
// specification's JSON schema and resolves them as `docker compose config` does.
// Usage: compose-check <file>... ; exit 1 with the loader's message on the first invalid file.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <docker-compose.yml>...")
		os.Exit(2)
	}
	for _, file := range os.Args[1:] {
		content, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(1)
		}
		abs, _ := filepath.Abs(file)
		details := types.ConfigDetails{
			WorkingDir:  filepath.Dir(abs),
			ConfigFiles: []types.ConfigFile{{Filename: abs, Content: content}},
			Environment: types.NewMapping(os.Environ()),
		}
		project, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
			o.SetProjectName("o11y-check", true)
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(1)
		}
		fmt.Printf("%s: valid (%d services)\n", file, len(project.Services))
	}
}
