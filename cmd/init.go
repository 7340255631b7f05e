package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	fl.StringVar(&f.database, "db", generator.DefaultDatabase, "database: "+strings.Join(generator.Databases, ", "))
	fl.StringArrayVar(&f.backends, "backend", []string{"bearer-jwt", "cookie-jwt"}, "auth backend, repeatable: "+strings.Join(generator.BackendKinds(), ", "))
	fl.StringArrayVar(&f.fields, "field", nil, "custom user field name:type[:required], repeatable; types: "+strings.Join(generator.FieldTypes, ", "))
	fl.StringVar(&f.pkg, "package", generator.DefaultPackage, "directory of the generated package")
	fl.StringVar(&f.server, "server", generator.DefaultServer, "directory of the server's main package")
	fl.BoolVarP(&f.yes, "yes", "y", false, "ask nothing: take flags and defaults")
	fl.BoolVar(&f.noTidy, "no-tidy", false, "do not run `go mod tidy` after writing")
	_ = c.RegisterFlagCompletionFunc("db", cobra.FixedCompletions(generator.Databases, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("backend", cobra.FixedCompletions(generator.BackendKinds(), cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runInit(cmd *cobra.Command, env *Env, dir string, f initFlags) error {
	specPath := filepath.Join(dir, generator.SpecFile)
	if _, err := os.Stat(specPath); err == nil {
		return usageError("%s already exists: edit it and run `authgen generate`", specPath)
	}
	spec, err := specFromFlags(f)
	if err != nil {
		return err
	}
	asked := false
	if env.Interactive && !f.yes {
		p := env.Prompter
		if p == nil {
			p = NewTerminalPrompter(env.Stdin, env.Stdout)
		}
		if err := askSpec(p, cmd.Flags(), &spec); err != nil {
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
	plan, err := generator.Generate(generator.Input{Spec: spec, Module: module, Version: env.Version})
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
	if err := os.WriteFile(specPath, generator.FormatSpec(spec), 0o644); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("writing %s: %w", specPath, err)}
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", specPath)
	if err := runGenerate(cmd.Context(), env, dir, generateOptions{noTidy: f.noTidy}); err != nil {
		return err
	}
	if asked {
		fmt.Fprintf(env.Stdout, "\nThe same, without questions:\n  %s\n", equivalentCommand(spec))
	}
	start := "go run ./" + spec.Server
	if dir != "." {
		start = "cd " + dir + " && " + start
	}
	fmt.Fprintf(env.Stdout, "\nStart the server:\n  %s\n", start)
	return nil
}

// specFromFlags builds the spec the flags describe; a bad value is an
// error naming the flag and the values it takes.
func specFromFlags(f initFlags) (generator.Spec, error) {
	spec := generator.DefaultSpec()
	if !slices.Contains(generator.Databases, f.database) {
		return spec, usageError("--db %q: not supported (allowed: %s)", f.database, strings.Join(generator.Databases, ", "))
	}
	spec.Database = f.database
	backends, err := backendsFromKinds(f.backends)
	if err != nil {
		return spec, usageError("--backend: %v", err)
	}
	spec.Backends = backends
	for _, s := range f.fields {
		field, err := generator.ParseField(s)
		if err != nil {
			return spec, usageError("--field: %v", err)
		}
		if slices.ContainsFunc(spec.Fields, func(o generator.Field) bool { return o.Name == field.Name }) {
			return spec, usageError("--field: %q is given twice", field.Name)
		}
		spec.Fields = append(spec.Fields, field)
	}
	if err := generator.ValidateDir(f.pkg); err != nil {
		return spec, usageError("--package: %v", err)
	}
	if err := generator.ValidateDir(f.server); err != nil {
		return spec, usageError("--server: %v", err)
	}
	if f.pkg == f.server {
		return spec, usageError("--package and --server must be different directories")
	}
	spec.Package, spec.Server = f.pkg, f.server
	return spec, nil
}

func backendsFromKinds(kinds []string) ([]generator.Backend, error) {
	if len(kinds) == 0 {
		return nil, fmt.Errorf("at least one is needed (allowed: %s)", strings.Join(generator.BackendKinds(), ", "))
	}
	var out []generator.Backend
	for _, k := range kinds {
		b, err := generator.BackendFromKind(k)
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

// askSpec asks for every answer that no flag gave.
func askSpec(p Prompter, flags *pflag.FlagSet, spec *generator.Spec) error {
	if !flags.Changed("db") {
		db, err := p.Select("Database", generator.Databases, spec.Database)
		if err != nil {
			return err
		}
		spec.Database = db
	}
	if !flags.Changed("backend") {
		var defs []string
		for _, b := range spec.Backends {
			defs = append(defs, b.Transport+"-"+b.Strategy)
		}
		kinds, err := p.MultiSelect("Auth backends", generator.BackendKinds(), defs)
		if err != nil {
			return err
		}
		if spec.Backends, err = backendsFromKinds(kinds); err != nil {
			return err
		}
	}
	if !flags.Changed("field") {
		for {
			more, err := p.Confirm("Add a custom user field?", false)
			if err != nil {
				return err
			}
			if !more {
				break
			}
			field, err := askField(p, spec.Fields)
			if err != nil {
				return err
			}
			spec.Fields = append(spec.Fields, field)
		}
	}
	if !flags.Changed("package") {
		dir, err := p.Input("Directory of the generated package", spec.Package, generator.ValidateDir)
		if err != nil {
			return err
		}
		spec.Package = dir
	}
	if !flags.Changed("server") {
		dir, err := p.Input("Directory of the server", spec.Server, func(s string) error {
			if s == spec.Package {
				return errors.New("the server needs a directory of its own")
			}
			return generator.ValidateDir(s)
		})
		if err != nil {
			return err
		}
		spec.Server = dir
	}
	return nil
}

func askField(p Prompter, existing []generator.Field) (generator.Field, error) {
	name, err := p.Input("Field name (snake_case)", "", func(s string) error {
		if slices.ContainsFunc(existing, func(f generator.Field) bool { return f.Name == s }) {
			return fmt.Errorf("field %q is already defined", s)
		}
		return generator.ValidateFieldName(s)
	})
	if err != nil {
		return generator.Field{}, err
	}
	typ, err := p.Select("Type of "+name, generator.FieldTypes, "string")
	if err != nil {
		return generator.Field{}, err
	}
	var values []string
	if typ == "enum" {
		answer, err := p.Input("Values of "+name+" (comma-separated)", "", func(s string) error {
			_, err := generator.ParseField(name + ":enum[" + s + "]")
			return err
		})
		if err != nil {
			return generator.Field{}, err
		}
		values = strings.Split(answer, ",")
	}
	required, err := p.Confirm("Is "+name+" required at registration?", false)
	if err != nil {
		return generator.Field{}, err
	}
	return generator.Field{Name: name, Type: typ, Required: required, Values: values}, nil
}

// equivalentCommand is the init command line that gives spec without
// asking.
func equivalentCommand(spec generator.Spec) string {
	parts := []string{"authgen init", "--db " + spec.Database}
	for _, b := range spec.Backends {
		parts = append(parts, "--backend "+b.Transport+"-"+b.Strategy)
	}
	for _, f := range spec.Fields {
		parts = append(parts, "--field "+f.String())
	}
	parts = append(parts, "--package "+spec.Package, "--server "+spec.Server, "--yes")
	return strings.Join(parts, " ")
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
