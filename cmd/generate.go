package cmd

import (
	"github.com/authgen/authgen/spec"

	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authgen/authgen/generator"
)

type generateOptions struct {
	dryRun bool
	check  bool
	diff   bool
	force  bool
	noTidy bool
}

func newGenerateCommand(env *Env) *cobra.Command {
	var opts generateOptions
	c := &cobra.Command{
		Use:   "generate [dir]",
		Short: "Regenerate the service from authgen.yaml",
		Long: `generate renders the service described by authgen.yaml in the module at dir
(default: the current directory). Generated files are rewritten, files you own
are never touched, and stale generated files are deleted.

  --dry-run  print what would happen to each file, change nothing
  --check    exit 0 when the tree is up to date, 1 when it is not (listing
             each file), 2 when it could not check
  --diff     with --check or --dry-run, also print a unified diff of each
             file that would change`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.dryRun && opts.check {
				return usageError("--dry-run and --check cannot be used together")
			}
			if opts.diff && !opts.dryRun && !opts.check {
				return usageError("--diff goes with --check or --dry-run")
			}
			return runGenerate(cmd.Context(), env, dirArg(args), opts)
		},
	}
	c.Flags().BoolVar(&opts.dryRun, "dry-run", false, "print what would be written, write nothing")
	c.Flags().BoolVar(&opts.check, "check", false, "report drift from authgen.yaml; exit 1 when there is some")
	c.Flags().BoolVar(&opts.diff, "diff", false, "with --check or --dry-run, print unified diffs")
	c.Flags().BoolVar(&opts.force, "force", false, "overwrite generated files that were edited by hand")
	c.Flags().BoolVar(&opts.noTidy, "no-tidy", false, "do not run `go mod tidy` after writing")
	return c
}

func dirArg(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}

// loadInput reads what a plan is made from: authgen.yaml, go.mod and
// authgen.lock in dir.
func loadInput(dir, version string) (generator.Input, error) {
	data, err := os.ReadFile(filepath.Join(dir, spec.FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return generator.Input{}, &exitError{code: ExitError, err: fmt.Errorf("no %s in %s: run `authgen init` first", spec.FileName, dir)}
	}
	if err != nil {
		return generator.Input{}, &exitError{code: ExitError, err: err}
	}
	sp, err := spec.Parse(spec.FileName, data)
	if err != nil {
		return generator.Input{}, &exitError{code: ExitError, err: err}
	}
	module, err := readModulePath(dir)
	if err != nil {
		return generator.Input{}, err
	}
	in := generator.Input{Spec: sp, Module: module, Version: version}
	lock, err := os.ReadFile(filepath.Join(dir, generator.LockFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return generator.Input{}, &exitError{code: ExitError, err: err}
	default:
		if in.Lock, err = generator.ParseLock(lock); err != nil {
			return generator.Input{}, &exitError{code: ExitError, err: err}
		}
	}
	return in, nil
}

func readModulePath(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", &exitError{code: ExitError, err: fmt.Errorf("no go.mod in %s: run `go mod init <module>` there, or `authgen init --module <module>`", dir)}
	}
	if err != nil {
		return "", &exitError{code: ExitError, err: err}
	}
	module, err := generator.ModulePath(data)
	if err != nil {
		return "", &exitError{code: ExitError, err: fmt.Errorf("%s: %w", filepath.Join(dir, "go.mod"), err)}
	}
	return module, nil
}

func runGenerate(ctx context.Context, env *Env, dir string, opts generateOptions) error {
	in, err := loadInput(dir, env.Version)
	if err != nil {
		return err
	}
	plan, err := generator.Generate(in)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	changes, err := generator.Diff(dir, plan, in.Lock)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	newGomod, err := generator.AddRequirements(gomod, generator.Requirements(in.Spec))
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}

	switch {
	case opts.check:
		drifts := generator.Drifts(changes, plan, in.Lock)
		if newGomod != nil {
			drifts = append(drifts, generator.Drift{Path: "go.mod", Code: "missing requirement"})
		}
		if len(drifts) == 0 {
			fmt.Fprintln(env.Stdout, "authgen: up to date")
			return nil
		}
		fmt.Fprintf(env.Stdout, "authgen: %d files differ from what authgen.yaml generates; run `authgen generate`:\n", len(drifts))
		fmt.Fprint(env.Stdout, generator.FormatDrifts(drifts))
		if opts.diff {
			if err := printDiffs(env.Stdout, dir, changes, gomod, newGomod); err != nil {
				return &exitError{code: ExitError, err: err}
			}
		}
		return errDrift
	case opts.dryRun:
		for _, c := range changes {
			fmt.Fprintf(env.Stdout, "%-20s %s\n", describeAction(c), c.Path)
		}
		if newGomod != nil {
			fmt.Fprintf(env.Stdout, "%-20s %s\n", "update", "go.mod")
		}
		if opts.diff {
			if err := printDiffs(env.Stdout, dir, changes, gomod, newGomod); err != nil {
				return &exitError{code: ExitError, err: err}
			}
		}
		return nil
	}

	if err := refuseConflicts(generator.Conflicts(changes, opts.force), "restore the files from version control, or pass --force to overwrite generated files"); err != nil {
		return err
	}
	if err := generator.Apply(dir, changes, plan.Lock); err != nil {
		return &exitError{code: ExitError, err: err}
	}
	if newGomod != nil {
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), newGomod, 0o644); err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("updating go.mod: %w", err)}
		}
	}
	printSummary(env.Stdout, changes)
	if !opts.noTidy {
		if err := goModTidy(ctx, dir, env.Stderr); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	}
	return nil
}

// printDiffs prints the unified diff of every file a run would change
// from what is on disk: its content, for a file to create or overwrite,
// and nothing, for one to delete. A past migration that changed has only
// a checksum to compare with, so it is named, not diffed.
func printDiffs(w io.Writer, dir string, changes []generator.Change, gomod, newGomod []byte) error {
	for _, c := range changes {
		switch {
		case c.Action == generator.Identical, c.Action == generator.Skip:
			continue
		case c.Owner == generator.Migration && c.Action == generator.Conflict:
			fmt.Fprintf(w, "--- a/%s\n(%s: authgen.lock records only its checksum; restore it from version control)\n", c.Path, c.Why)
			continue
		}
		disk, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.Path)))
		if errors.Is(err, fs.ErrNotExist) {
			disk = nil
		} else if err != nil {
			return fmt.Errorf("reading %s: %w", c.Path, err)
		}
		var planned []byte
		if c.Action != generator.Delete {
			planned = c.Content
			if planned == nil {
				planned = []byte{}
			}
		}
		fmt.Fprint(w, unifiedDiff(c.Path, disk, planned))
	}
	if newGomod != nil {
		fmt.Fprint(w, unifiedDiff("go.mod", gomod, newGomod))
	}
	return nil
}

// refuseConflicts returns the error that stops a run over conflicts, with
// hint saying how to proceed, or nil when there are none.
func refuseConflicts(conflicts []generator.Change, hint string) error {
	if len(conflicts) == 0 {
		return nil
	}
	var b strings.Builder
	for _, c := range conflicts {
		fmt.Fprintf(&b, "\n  %s: %s", c.Path, c.Why)
	}
	return &exitError{code: ExitError, err: fmt.Errorf("nothing was written: %d files must not be changed:%s\n%s", len(conflicts), b.String(), hint)}
}

func describeAction(c generator.Change) string {
	if c.Action == generator.Conflict {
		return "conflict: " + c.Why
	}
	return string(c.Action)
}

func printSummary(w io.Writer, changes []generator.Change) {
	counts := map[generator.Action]int{}
	for _, c := range changes {
		counts[c.Action]++
		if c.Action == generator.Create || c.Action == generator.Overwrite || c.Action == generator.Delete || c.Action == generator.Conflict {
			fmt.Fprintf(w, "%-10s %s\n", c.Action, c.Path)
		}
	}
	fmt.Fprintf(w, "authgen: %d created, %d overwritten, %d deleted, %d unchanged, %d kept (yours)\n",
		counts[generator.Create], counts[generator.Overwrite]+counts[generator.Conflict], counts[generator.Delete], counts[generator.Identical], counts[generator.Skip])
}

// goModTidy runs `go mod tidy` in dir, so that go.sum holds what the
// generated code needs.
func goModTidy(ctx context.Context, dir string, stderr io.Writer) error {
	var out bytes.Buffer
	c := exec.CommandContext(ctx, "go", "mod", "tidy")
	c.Dir = dir
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err != nil {
		stderr.Write(out.Bytes())
		return fmt.Errorf("`go mod tidy` in %s failed: %w; fix the problem above and run it yourself, or pass --no-tidy", dir, err)
	}
	return nil
}
