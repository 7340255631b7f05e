package cmd

import (
	"github.com/authgen/authgen/spec"

	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/mod/module"

	"github.com/authgen/authgen/generator"
)

// initFlags are the answers init can take from flags, one for each
// question it asks.
type initFlags struct {
	module   string
	database string
	backends []string
	fields   []string
	pkg      string
	server   string
	yes      bool
	noTidy   bool
}

func newInitCommand(env *Env) *cobra.Command {
	var f initFlags
	c := &cobra.Command{
		Use:   "init [dir]",
		Short: "Choose what to generate, save it in authgen.yaml, and generate it",
		Long: `init generates an authentication service into the Go module at dir (default:
the current directory). On a terminal it asks for what no flag answers; with
--yes, or without a terminal, unanswered questions take their defaults.
The answers are saved in authgen.yaml for later runs of authgen generate.`,
		Example: `  authgen init --yes
  authgen init --db sqlite --backend bearer-jwt --backend cookie-jwt \
      --field first_name:string:required --field age:int`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(cmd, env, dirArg(args), f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.module, "module", "", "module path for a new go.mod, when dir has none")
	fl.StringVar(&f.database, "db", spec.DefaultDatabase, "database: "+strings.Join(spec.Databases, ", "))
	fl.StringArrayVar(&f.backends, "backend", []string{"bearer-jwt", "cookie-jwt"}, "auth backend, repeatable: "+strings.Join(spec.BackendKinds(), ", "))
	fl.StringArrayVar(&f.fields, "field", nil, fieldFlagUsage())
	fl.StringVar(&f.pkg, "package", spec.DefaultPackage, "directory of the generated package")
	fl.StringVar(&f.server, "server", spec.DefaultServer, "directory of the server's main package")
	fl.BoolVarP(&f.yes, "yes", "y", false, "ask nothing: take flags and defaults")
	fl.BoolVar(&f.noTidy, "no-tidy", false, "do not run `go mod tidy` after writing")
	_ = c.RegisterFlagCompletionFunc("db", cobra.FixedCompletions(spec.Databases, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("backend", cobra.FixedCompletions(spec.BackendKinds(), cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runInit(cmd *cobra.Command, env *Env, dir string, f initFlags) error {
	specPath := filepath.Join(dir, spec.FileName)
	if _, err := os.Stat(specPath); err == nil {
		return usageError("%s already exists: edit it and run `authgen generate`", specPath)
	}
	sp, err := specFromFlags(f)
	if err != nil {
		return err
	}
	asked := false
	if env.Interactive && !f.yes {
		p := env.Prompter
		if p == nil {
			p = NewTerminalPrompter(env.Stdin, env.Stdout)
		}
		if err := askSpec(p, cmd.Flags(), &sp); err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("asking: %w", err)}
		}
		asked = true
	}
	if err := prepareModule(dir, f.module); err != nil {
		return err
	}
	module, err := readModulePath(dir)
	if err != nil {
		return err
	}
	// Plan once before writing anything, so that a spec the generator
	// refuses, or files in the way, leave no authgen.yaml behind.
	plan, err := generator.Generate(generator.Input{Spec: sp, Module: module, Version: env.Version})
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	changes, err := generator.Diff(dir, plan, nil)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	if err := refuseConflicts(generator.Conflicts(changes, false), "move them away, or run `authgen generate --force` after writing authgen.yaml yourself"); err != nil {
		return err
	}
	if err := os.WriteFile(specPath, spec.Format(sp), 0o644); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("writing %s: %w", specPath, err)}
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", specPath)
	if err := runGenerate(cmd.Context(), env, dir, generateOptions{noTidy: f.noTidy}); err != nil {
		return err
	}
	if asked {
		fmt.Fprintf(env.Stdout, "\nThe same, without questions:\n  %s\n", equivalentCommand(sp))
	}
	start := "go run ./" + sp.Server
	if dir != "." {
		start = "cd " + dir + " && " + start
	}
	fmt.Fprintf(env.Stdout, "\nStart the server:\n  %s\n", start)
	return nil
}

// specFromFlags builds the spec the flags describe; a bad value is an
// error naming the flag and the values it takes.
func specFromFlags(f initFlags) (spec.Spec, error) {
	sp := spec.DefaultSpec()
	if !slices.Contains(spec.Databases, f.database) {
		return sp, usageError("--db %q: not supported (allowed: %s)", f.database, strings.Join(spec.Databases, ", "))
	}
	sp.Database = f.database
	backends, err := backendsFromKinds(f.backends)
	if err != nil {
		return sp, usageError("--backend: %v", err)
	}
	sp.Backends = backends
	for _, s := range f.fields {
		field, err := parseFieldFlag(s)
		if err != nil {
			return sp, usageError("--field: %v", err)
		}
		if slices.ContainsFunc(sp.Fields, func(o spec.Field) bool { return o.Name == field.Name }) {
			return sp, usageError("--field: %q is given twice", field.Name)
		}
		sp.Fields = append(sp.Fields, field)
	}
	if err := spec.ValidateDir(f.pkg); err != nil {
		return sp, usageError("--package: %v", err)
	}
	if err := spec.ValidateDir(f.server); err != nil {
		return sp, usageError("--server: %v", err)
	}
	if f.pkg == f.server {
		return sp, usageError("--package and --server must be different directories")
	}
	sp.Package, sp.Server = f.pkg, f.server
	return sp, nil
}

func backendsFromKinds(kinds []string) ([]spec.Backend, error) {
	if len(kinds) == 0 {
		return nil, fmt.Errorf("at least one is needed (allowed: %s)", strings.Join(spec.BackendKinds(), ", "))
	}
	var out []spec.Backend
	for _, k := range kinds {
		b, err := spec.BackendFromKind(k)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, b) {
			return nil, fmt.Errorf("%q is given twice", k)
		}
		out = append(out, b)
	}
	return out, nil
}

// prepareModule creates dir, and a go.mod for modulePath in it when it has
// none. An existing go.mod must declare modulePath, when one is given.
func prepareModule(dir, modulePath string) error {
	gomod := filepath.Join(dir, "go.mod")
	_, err := os.Stat(gomod)
	switch {
	case err == nil:
		if modulePath == "" {
			return nil
		}
		have, err := readModulePath(dir)
		if err != nil {
			return err
		}
		if have != modulePath {
			return usageError("--module %s: %s already declares module %s", modulePath, gomod, have)
		}
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return &exitError{code: ExitError, err: err}
	case modulePath == "":
		return usageError("no go.mod in %s: run `go mod init <module>` there, or pass --module", dir)
	}
	if err := module.CheckPath(modulePath); err != nil {
		return usageError("--module: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &exitError{code: ExitError, err: err}
	}
	content := fmt.Sprintf("module %s\n\ngo %s\n", modulePath, goVersion())
	if err := os.WriteFile(gomod, []byte(content), 0o644); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("writing %s: %w", gomod, err)}
	}
	return nil
}

// goVersion is the language version of a new go.mod: that of the Go
// release authgen was built with, such as 1.26.
func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return "1.25"
}
