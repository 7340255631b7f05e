// Package cmd holds authgen's commands.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes of authgen.
const (
	ExitOK    = 0 // done; with --check, up to date
	ExitDrift = 1 // --check found drift
	ExitError = 2 // bad usage, a bad authgen.yaml, or could not run
)

// Env is what the commands use from outside: standard streams and whether
// they may ask questions.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Interactive is set when standard input and output are a terminal.
	// Only then does init ask questions.
	Interactive bool
	// Prompter asks the questions; nil means a TerminalPrompter on the
	// standard streams.
	Prompter Prompter
	// Version is authgen's version, recorded in authgen.lock.
	Version string
}

// exitError carries the exit code a failure should end authgen with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errDrift ends authgen with ExitDrift once the drift report is printed.
var errDrift = &exitError{code: ExitDrift, err: errors.New("drift found")}

// Execute runs authgen with args and returns the exit code.
func Execute(ctx context.Context, args []string, env Env) int {
	root := newRootCommand(&env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee != errDrift {
			fmt.Fprintln(env.Stderr, "authgen:", ee.err)
		}
		return ee.code
	}
	// Cobra's own errors: unknown commands and flags, wrong arguments.
	fmt.Fprintln(env.Stderr, "authgen:", err)
	fmt.Fprintln(env.Stderr, "Run 'authgen --help' for usage.")
	return ExitError
}

func newRootCommand(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "authgen",
		Short: "Generate a FastAPI Users compatible authentication service into your Go module",
		Long: `authgen writes a complete authentication service into your Go module:
registration, login over bearer or cookie tokens, user management, migrations,
a runnable server and its tests. The service speaks the HTTP API of FastAPI Users.

  authgen init       ask what to generate, save it in authgen.yaml, generate
  authgen generate   regenerate after editing authgen.yaml (--check in CI)
  authgen field      add or remove a custom field of the user model, then regenerate`,
		Example: `  authgen init                    # on a terminal: asks, then generates
  authgen init --yes              # SQLite, a bearer and a cookie JWT backend
  authgen field add nickname string --max-length 64
  authgen generate --check        # in CI`,
		Version:       env.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("authgen {{.Version}}\n")
	root.PersistentFlags().BoolP("quiet", "q", false, "print only the summary line")
	root.AddCommand(newInitCommand(env), newGenerateCommand(env), newFieldCommand(env), newVersionCommand(env))
	return root
}

// quiet reports whether the command runs with --quiet.
func quiet(cmd *cobra.Command) bool {
	q, _ := cmd.Flags().GetBool("quiet")
	return q
}

func newVersionCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print authgen's version, commit and Go version",
		Example: "  authgen version\n  authgen --version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "authgen", env.Version)
			return nil
		},
	}
}

// BuildVersion returns what authgen was built from, as authgen version
// prints it and authgen.lock records it: the module version (v1.2.0 for
// `go install ...@v1.2.0`, devel for a build from a checkout), then the
// commit, when known, and the Go version, such as
// "devel (commit 1a2b3c4d5e6f, modified, go1.26.8)".
func BuildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return formatBuildInfo(info)
}

func formatBuildInfo(info *debug.BuildInfo) string {
	version := info.Main.Version
	if version == "" || version == "(devel)" {
		version = "devel"
	}
	var details []string
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		details = append(details, "commit "+rev[:min(len(rev), 12)])
		if settings["vcs.modified"] == "true" {
			details = append(details, "modified")
		}
	}
	if info.GoVersion != "" {
		details = append(details, info.GoVersion)
	}
	if len(details) == 0 {
		return version
	}
	return version + " (" + strings.Join(details, ", ") + ")"
}

// usageError is bad usage: a flag value or argument authgen cannot take.
func usageError(format string, args ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf(format, args...)}
}
