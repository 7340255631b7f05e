package generator

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/authgen/authgen/spec"
)

// BenchmarkGenerate measures a whole run, from a parsed spec to the plan,
// for the spec `authgen init --yes` writes and for the one with a custom
// field of every type: Generate runs on every generate, --check and
// --dry-run, so its time is what a user waits for.
func BenchmarkGenerate(b *testing.B) {
	for _, name := range []string{"default", "custom-fields"} {
		b.Run(name, func(b *testing.B) {
			in := benchmarkInput(b, name)
			for b.Loop() {
				if _, err := Generate(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchmarkInput is the input of the golden case name.
func benchmarkInput(b *testing.B, name string) Input {
	b.Helper()
	p := filepath.Join("..", "testdata", name, spec.FileName)
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	file, err := spec.ParseFile(p, data)
	if err != nil {
		b.Fatalf("parsing %s: %v", p, err)
	}
	return Input{Spec: file, Module: "example.com/" + name, Version: "devel"}
}
