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

	"github.com/authgen/authgen/spec"
)

// initFlags are the answers init can take from flags, one for each
// question it asks.
type initFlags struct {
	module   string
	database string
	backends []string
	fields   []string
	oauth    []string
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
      --field first_name:string:required --field age:int
  authgen init --yes --oauth github --oauth oidc:corp`,
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
	fl.StringArrayVar(&f.oauth, "oauth", nil, "OAuth provider users may log in with, repeatable: KIND[:NAME], such as github or oidc:corp; kinds: "+strings.Join(spec.OAuthKinds, ", ")+
		"; NAME (default: the kind) names its routes /auth/NAME/... and its OAUTH_NAME_* environment variables")
	fl.StringVar(&f.pkg, "package", spec.DefaultPackage, "directory of the generated package")
	fl.StringVar(&f.server, "server", spec.DefaultServer, "directory of the server's main package")
	fl.BoolVarP(&f.yes, "yes", "y", false, "ask nothing: take flags and defaults")
	addNoTidyFlag(c, &f.noTidy)
	_ = c.RegisterFlagCompletionFunc("db", cobra.FixedCompletions(spec.Databases, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("backend", cobra.FixedCompletions(spec.BackendKinds(), cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("oauth", cobra.FixedCompletions(spec.OAuthKinds, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runInit(cmd *cobra.Command, env *Env, dir string, f initFlags) error {
	specPath := filepath.Join(dir, spec.FileName)
	if _, err := os.Stat(specPath); err == nil {
		return usageError("%s already exists: edit it and run `authgen generate%s`", specPath, dirSuffix(dir))
	}
	sp, err := specFromFlags(f)
	if err != nil {
		return err
	}
	p, err := openOrCreateModule(dir, f.module)
	if err != nil {
		return err
	}
	asked := false
	switch {
	case env.Interactive && !f.yes:
		prompter := env.Prompter
		if prompter == nil {
			prompter = NewTerminalPrompter(env.Stdin, env.Stdout)
		}
		if err := askSpec(prompter, cmd.Flags(), &sp); err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("asking: %w", err)}
		}
		asked = true
	case !f.yes && !answeredByFlags(cmd.Flags()):
		fmt.Fprintln(env.Stderr, "authgen: standard input or output is not a terminal, so nothing is asked: the flags and the defaults are taken (--yes says so and silences this)")
	}
	file, err := spec.NewFile(spec.FileName, sp)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	if _, err := p.run(cmd.Context(), env, file, runOptions{noTidy: f.noTidy, quiet: quiet(cmd), fresh: true}); err != nil {
		return err
	}
	if quiet(cmd) {
		return nil
	}
	if asked {
		fmt.Fprintf(env.Stdout, "\nThe same, without questions:\n  %s\n", equivalentCommand(sp))
	}
	start := "go run ./" + sp.Server
	if dir != "." {
		start = "cd " + shellQuote(dir) + " && " + start
	}
	fmt.Fprintf(env.Stdout, "\nStart the server (its first build takes a while; `go run ./%s --help` lists its settings):\n  %s\n", sp.Server, start)
	return nil
}

// answeredByFlags reports whether flags answer every question init asks
// whose default may not be what the user wants. The OAuth question is left
// out: its default, no provider, adds nothing the user did not ask for,
// and no flag could say "none".
func answeredByFlags(flags *pflag.FlagSet) bool {
	for _, name := range []string{"db", "backend", "field", "package", "server"} {
		if !flags.Changed(name) {
			return false
		}
	}
	return true
}

// specFromFlags builds the spec the flags describe; a bad value is an
// error naming the flag and the values it takes.
func specFromFlags(f initFlags) (spec.Spec, error) {
	sp := spec.DefaultSpec()
	sp.Database, sp.Package, sp.Server = f.database, f.pkg, f.server
	backends, err := backendsFromKinds(f.backends)
	if err != nil {
		return sp, usageError("--backend: %v", err)
	}
	sp.Backends = backends
	for _, s := range f.fields {
		field, err := spec.ParseField(s)
		if err != nil {
			return sp, usageError("--field: %v", err)
		}
		sp.Fields = append(sp.Fields, field)
	}
	for _, s := range f.oauth {
		p, err := oauthFromFlag(s, sp.Backends)
		if err != nil {
			return sp, usageError("--oauth %s: %v", s, err)
		}
		sp.OAuth = append(sp.OAuth, p)
	}
	if problems := sp.Validate(); len(problems) > 0 {
		return sp, flagProblem(problems[0], f.oauth)
	}
	return sp, nil
}

// flagProblem is the usage error of a problem of the spec init's flags
// made, naming the flag. A provider's problem names the --oauth value
// too, as with several providers the flag alone does not say which; its
// routes' prefixes follow its name, so a prefix taken is fixed by another
// name.
func flagProblem(p spec.Problem, oauthValues []string) error {
	var i int
	if _, err := fmt.Sscanf(p.Path, "oauth[%d]", &i); err != nil || i >= len(oauthValues) {
		return usageError("%s: %s", flagOf(p.Path), p.Message)
	}
	msg := "--oauth " + oauthValues[i] + ": " + p.Message
	if strings.HasSuffix(p.Path, "prefix") {
		kind, _, _ := strings.Cut(oauthValues[i], ":")
		msg += fmt.Sprintf("; the routes are named after the provider, so name it otherwise: --oauth %s:NAME", kind)
	}
	return usageError("%s", msg)
}

// oauthFromFlag returns the provider an --oauth value KIND[:NAME] names,
// with the routers authgen.yaml gives it by default over backends. The
// name, checked with the rest of the spec, defaults to the kind, as a
// project has seldom two providers of one kind.
func oauthFromFlag(value string, backends []spec.Backend) (spec.OAuthProvider, error) {
	kind, name, named := strings.Cut(value, ":")
	if !slices.Contains(spec.OAuthKinds, kind) {
		return spec.OAuthProvider{}, fmt.Errorf("kind %q is not supported (allowed: %s), as in --oauth github or --oauth oidc:corp", kind, strings.Join(spec.OAuthKinds, ", "))
	}
	if !named {
		name = kind
	} else if name == "" {
		return spec.OAuthProvider{}, fmt.Errorf("the name after the colon is empty: give one, as in --oauth %s:corp, or leave out the colon", kind)
	}
	return spec.NewOAuthProvider(name, kind, backends), nil
}

// oauthFlag is the --oauth value that gives p, when p has the routers
// init gives it: the kind alone when the name is the kind's.
func oauthFlag(p spec.OAuthProvider) string {
	if p.Name == p.Kind {
		return p.Kind
	}
	return p.Kind + ":" + p.Name
}

// flagOf names the init flag that sets the authgen.yaml key at path.
func flagOf(path string) string {
	for _, f := range []struct{ prefix, flag string }{
		{"database", "--db"}, {"backends", "--backend"}, {"user.fields", "--field"},
		{"output.package", "--package"}, {"output.server", "--server"}, {"oauth", "--oauth"},
	} {
		if strings.HasPrefix(path, f.prefix) {
			return f.flag
		}
	}
	return path
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

// openOrCreateModule returns the project of the module at dir, or of a
// new module for modulePath when dir has no go.mod: its go.mod is then
// made in memory and written with the rest. An existing go.mod must
// declare modulePath, when one is given.
func openOrCreateModule(dir, modulePath string) (*project, error) {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	switch {
	case err == nil:
		p, err := openModule(dir)
		if err != nil {
			return nil, err
		}
		if modulePath != "" && p.module != modulePath {
			return nil, usageError("--module %s: %s already declares module %s", modulePath, filepath.Join(dir, "go.mod"), p.module)
		}
		return p, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, &exitError{code: ExitError, err: err}
	case modulePath == "":
		return nil, usageError("no go.mod in %s: run `go mod init <module path>` there, or pass --module <module path>", dir)
	}
	if err := module.CheckPath(modulePath); err != nil {
		return nil, usageError("--module: %v", err)
	}
	gomod := fmt.Sprintf("module %s\n\ngo %s\n", modulePath, goVersion())
	return &project{dir: dir, module: modulePath, gomod: []byte(gomod), newGomod: true}, nil
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
