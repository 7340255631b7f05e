// Command authgen generates a FastAPI Users compatible authentication
// service into a Go module. See README.md.
package main

import (
	"context"
	"os"

	"golang.org/x/term"

	"github.com/authgen/authgen/cmd"
)

func main() {
	env := cmd.Env{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Interactive: term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd())),
		Version:     cmd.BuildVersion(),
	}
	os.Exit(cmd.Execute(context.Background(), os.Args[1:], env))
}
