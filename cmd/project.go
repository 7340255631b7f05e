package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/authgen/authgen/generator"
	"github.com/authgen/authgen/internal/textdiff"
	"github.com/authgen/authgen/spec"
)

// project is the module a run works on: its root, what go.mod declares,
// and what the last run left (authgen.yaml and authgen.lock), read before
// anything is planned.
type project struct {
	dir    string
	module string
	gomod  []byte
	// newGomod is set when go.mod does not exist yet: init made gomod in
	// memory, and the run writes it with the rest.
	newGomod bool
	file     *spec.File // nil before init
	lock     *generator.Lock
}

// findProject returns the project whose authgen.yaml is in start or the
// nearest directory above it within the same module, so that authgen works
// from anywhere inside a module, as go does. The search stops at the first
// directory with a go.mod: a module nested in another is a project of its
// own.
func findProject(start string) (*project, error) {
	if info, err := os.Stat(start); err != nil || !info.IsDir() {
		return nil, usageError("%s is not a directory: name the module's root, or a directory inside it", start)
	}
	abs, err := filepath.Abs(start)
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		_, specErr := os.Stat(filepath.Join(dir, spec.FileName))
		_, modErr := os.Stat(filepath.Join(dir, "go.mod"))
		if specErr == nil || modErr == nil {
			if dir != abs {
				start = relativeTo(start, dir)
			}
			if specErr != nil {
				return nil, &exitError{code: ExitError, err: fmt.Errorf("no %s in %s, the root of the module: run `authgen init` there first", spec.FileName, start)}
			}
			return loadProject(start)
		}
		if filepath.Dir(dir) == dir {
			return nil, &exitError{code: ExitError, err: fmt.Errorf("no %s in %s or any directory above it: run `authgen init` in the module's root first", spec.FileName, start)}
		}
	}
}

// relativeTo names dir as the caller would: relative to the working
// directory when start was relative.
func relativeTo(start, dir string) string {
	if filepath.IsAbs(start) {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	if rel, err := filepath.Rel(wd, dir); err == nil {
		return rel
	}
	return dir
}

// loadProject reads authgen.yaml, go.mod and authgen.lock in dir.
func loadProject(dir string) (*project, error) {
	p, err := openModule(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, spec.FileName))
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	if p.file, err = spec.ParseFile(spec.FileName, data); err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	lock, err := os.ReadFile(filepath.Join(dir, generator.LockFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, &exitError{code: ExitError, err: err}
	default:
		if p.lock, err = generator.ParseLock(lock); err != nil {
			return nil, &exitError{code: ExitError, err: err}
		}
	}
	return p, nil
}

// openModule reads go.mod in dir.
func openModule(dir string) (*project, error) {
	gomod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(gomod)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &exitError{code: ExitError, err: fmt.Errorf("no go.mod in %s: authgen generates into a Go module; run `go mod init <module path>` there", dir)}
	}
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	module, err := generator.ModulePath(data)
	if err != nil {
		return nil, &exitError{code: ExitError, err: fmt.Errorf("%s: %w", gomod, err)}
	}
	return &project{dir: dir, module: module, gomod: data}, nil
}

// runOptions say what a run does with its plan.
type runOptions struct {
	dryRun bool // print what would change
	check  bool // report drift, exit 1 when there is some
	diff   bool // with dryRun or check, print unified diffs
	force  bool // overwrite generated files edited by hand
	noTidy bool // skip `go mod tidy`
	quiet  bool // print only the summary
	// fresh is set for init: a file where authgen would scaffold one of
	// the user's is in the way, not the user's to keep.
	fresh bool
}

// run plans the project with file as its authgen.yaml, then checks,
// prints or applies the plan, and returns what applying it changed.
// Applying writes authgen.yaml, every file, go.mod and the lock together:
// nothing is written until every change is planned and allowed.
func (p *project) run(ctx context.Context, env *Env, file *spec.File, opts runOptions) ([]generator.Change, error) {
	plan, err := generator.Generate(generator.Input{Spec: file, Module: p.module, Lock: p.lock, Version: env.Version})
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	changes, err := generator.Diff(p.dir, plan, p.lock)
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	if opts.fresh {
		markScaffoldsInTheWay(changes)
	}
	gomod, err := generator.AddRequirements(p.gomod, plan.Requirements)
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	switch {
	case gomod != nil:
		changes = append(changes, generator.Change{Path: "go.mod", Owner: generator.UserOwned, Action: generator.Overwrite, Content: gomod})
	case p.newGomod:
		changes = append(changes, generator.Change{Path: "go.mod", Owner: generator.UserOwned, Action: generator.Create, Content: p.gomod})
	}
	slices.SortFunc(changes, func(a, b generator.Change) int { return strings.Compare(a.Path, b.Path) })
	switch {
	case opts.check:
		return nil, p.check(env, changes, plan, opts)
	case opts.dryRun:
		for _, c := range changes {
			fmt.Fprintf(env.Stdout, "%-20s %s\n", describeAction(c), c.Path)
		}
		if opts.diff {
			return nil, p.printDiffs(env.Stdout, changes)
		}
		return nil, nil
	}
	if err := refuseConflicts(generator.Conflicts(changes, opts.force), opts); err != nil {
		return nil, err
	}
	if err := generator.Apply(p.dir, changes, plan.Lock); err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	printSummary(env.Stdout, changes, opts.quiet)
	if opts.noTidy {
		return changes, nil
	}
	if !opts.quiet {
		fmt.Fprintln(env.Stderr, "authgen: running `go mod tidy` to fetch the generated code's modules (a first run may take a while; --no-tidy skips it)")
	}
	return changes, goModTidy(ctx, p.dir, env.Stderr)
}

// markScaffoldsInTheWay turns the user-owned files a first run would
// scaffold, but finds already there, into conflicts: kept, they would not
// be what the generated code expects, and fail to build later.
func markScaffoldsInTheWay(changes []generator.Change) {
	for i, c := range changes {
		if c.Action == generator.Skip {
			changes[i].Action, changes[i].Why = generator.Conflict, "exists; authgen would scaffold it"
		}
	}
}

// check reports how the tree differs from the plan, and the command that
// brings it up to date.
func (p *project) check(env *Env, changes []generator.Change, plan generator.Plan, opts runOptions) error {
	drifts := generator.Drifts(changes, plan, p.lock)
	var edited, migrations []string
	for _, c := range changes {
		switch {
		case c.Action != generator.Conflict:
		case c.Owner == generator.Migration:
			migrations = append(migrations, c.Path)
		case c.Owner == generator.Generated:
			edited = append(edited, c.Path)
		}
	}
	if slices.ContainsFunc(changes, func(c generator.Change) bool { return c.Path == "go.mod" }) {
		drifts = append(drifts, generator.Drift{Path: "go.mod", Code: "missing requirement"})
	}
	if len(drifts) == 0 {
		fmt.Fprintln(env.Stdout, "authgen: up to date")
		return nil
	}
	fmt.Fprintf(env.Stdout, "authgen: %d files differ from what %s generates:\n", len(drifts), spec.FileName)
	fmt.Fprint(env.Stdout, generator.FormatDrifts(drifts))
	generate := "authgen generate" + dirSuffix(p.dir)
	switch {
	case len(migrations) > 0:
		fmt.Fprintf(env.Stdout, "Restore the past migrations from version control (git checkout -- %s): a migration that ran is never rewritten. Then run `%s`.\n", strings.Join(migrations, " "), generate)
	case len(edited) > 0:
		fmt.Fprintf(env.Stdout, "Run `%s --force` to overwrite the files edited by hand, or restore them from version control (git checkout -- %s) and run `%s`.\n", generate, strings.Join(edited, " "), generate)
	default:
		fmt.Fprintf(env.Stdout, "Run `%s` and commit the result.\n", generate)
	}
	if opts.diff {
		if err := p.printDiffs(env.Stdout, changes); err != nil {
			return err
		}
	}
	return errDrift
}

// dirSuffix is the directory argument that names dir in a suggested
// command: none for the working directory.
func dirSuffix(dir string) string {
	if dir == "." || dir == "" {
		return ""
	}
	return " " + shellQuote(dir)
}

// printDiffs prints the unified diff of every file a run would change
// from what is on disk: its content, for a file to create or overwrite,
// and nothing, for one to delete. A past migration that changed has only
// a checksum to compare with, so it is named, not diffed.
func (p *project) printDiffs(w io.Writer, changes []generator.Change) error {
	for _, c := range changes {
		switch {
		case c.Action == generator.Identical, c.Action == generator.Skip:
			continue
		case c.Owner == generator.Migration && c.Action == generator.Conflict:
			fmt.Fprintf(w, "--- a/%s\n(%s: authgen.lock records only its checksum; restore it from version control)\n", c.Path, c.Why)
			continue
		}
		disk, err := os.ReadFile(filepath.Join(p.dir, filepath.FromSlash(c.Path)))
		if errors.Is(err, fs.ErrNotExist) {
			disk = nil
		} else if err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("reading %s: %w", c.Path, err)}
		}
		var planned []byte
		if c.Action != generator.Delete {
			planned = c.Content
			if planned == nil {
				planned = []byte{}
			}
		}
		fmt.Fprint(w, textdiff.Unified(c.Path, disk, planned))
	}
	return nil
}

// refuseConflicts returns the error that stops a run over conflicts, with
// how to proceed for each kind, or nil when there are none.
func refuseConflicts(conflicts []generator.Change, opts runOptions) error {
	if len(conflicts) == 0 {
		return nil
	}
	var b strings.Builder
	var hints []string
	for _, c := range conflicts {
		fmt.Fprintf(&b, "\n  %s: %s", c.Path, c.Why)
		var hint string
		switch {
		case c.Owner == generator.Migration:
			hint = "restore past migrations from version control (git checkout -- PATH): a migration that ran is never rewritten"
		case opts.fresh:
			hint = "move the files in the way elsewhere, then run authgen init again"
		default:
			hint = "restore generated files from version control, or pass --force to overwrite the ones edited by hand"
		}
		if !slices.Contains(hints, hint) {
			hints = append(hints, hint)
		}
	}
	for _, h := range hints {
		b.WriteString("\n" + h)
	}
	return &exitError{code: ExitError, err: fmt.Errorf("nothing was written: %d files must not be changed:%s", len(conflicts), b.String())}
}

func describeAction(c generator.Change) string {
	if c.Action == generator.Conflict {
		return "conflict: " + c.Why
	}
	return string(c.Action)
}

// printSummary lists the files a run changed, unless quiet, then counts
// them.
func printSummary(w io.Writer, changes []generator.Change, quiet bool) {
	counts := map[generator.Action]int{}
	for _, c := range changes {
		if c.Action == generator.Conflict {
			counts[forcedAction(c)]++
		} else {
			counts[c.Action]++
		}
		if quiet {
			continue
		}
		switch c.Action {
		case generator.Create, generator.Overwrite, generator.Delete:
			fmt.Fprintf(w, "%-10s %s\n", c.Action, c.Path)
		case generator.Conflict:
			fmt.Fprintf(w, "%-10s %s (forced)\n", forcedAction(c), c.Path)
		}
	}
	fmt.Fprintf(w, "authgen: %d created, %d overwritten, %d deleted, %d unchanged, %d kept (yours)\n",
		counts[generator.Create], counts[generator.Overwrite], counts[generator.Delete], counts[generator.Identical], counts[generator.Skip])
}

// forcedAction is what applying a conflict that --force allowed does: a
// file still generated is overwritten, one no longer generated deleted.
func forcedAction(c generator.Change) generator.Action {
	if c.Content == nil {
		return generator.Delete
	}
	return generator.Overwrite
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
		return &exitError{code: ExitError, err: fmt.Errorf("`go mod tidy` in %s failed: %w; fix the problem above and run it yourself, or pass --no-tidy", dir, err)}
	}
	return nil
}
