package cmd

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/authgen/authgen/spec"
)

// scriptedPrompter answers each question with the next scripted answer
// and fails the test when the script runs out, a question is of another
// kind, has no help, or an answer is not one the question takes. An error
// in the script is returned as the answer, as Ctrl-C returns one; a
// refused in it is typed, must be refused, and is followed by the next
// answer, as on a terminal.
type scriptedPrompter struct {
	t       *testing.T
	answers []any
	asked   []string
}

// refused is an answer that the question's validation must refuse with
// an error containing want.
type refused struct{ answer, want string }

func (p *scriptedPrompter) next(question, help string) (any, error) {
	p.t.Helper()
	p.asked = append(p.asked, question)
	if help == "" {
		p.t.Errorf("question %q has no help", question)
	}
	if len(p.answers) == 0 {
		p.t.Fatalf("unexpected question %q", question)
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	if err, ok := a.(error); ok {
		return nil, err
	}
	return a, nil
}

func (p *scriptedPrompter) Select(q, help string, options []string, def string) (string, error) {
	p.t.Helper()
	a, err := p.next(q, help)
	if err != nil {
		return "", err
	}
	if !slices.Contains(options, a.(string)) {
		p.t.Fatalf("scripted answer %q to %q is not one of %q", a, q, options)
	}
	return a.(string), nil
}

func (p *scriptedPrompter) MultiSelect(q, help string, options, defs []string, min int) ([]string, error) {
	p.t.Helper()
	a, err := p.next(q, help)
	if err != nil {
		return nil, err
	}
	if len(a.([]string)) < min {
		p.t.Fatalf("scripted answer %q to %q chooses fewer than %d", a, q, min)
	}
	for _, o := range a.([]string) {
		if !slices.Contains(options, o) {
			p.t.Fatalf("scripted answer %q to %q is not one of %q", o, q, options)
		}
	}
	return a.([]string), nil
}

func (p *scriptedPrompter) Input(q, help, def string, validate func(string) error) (string, error) {
	p.t.Helper()
	for {
		a, err := p.next(q, help)
		if err != nil {
			return "", err
		}
		if r, ok := a.(refused); ok {
			if err := validate(r.answer); err == nil || !strings.Contains(err.Error(), r.want) {
				p.t.Errorf("answer %q to %q: validation error %v, want one containing %q", r.answer, q, err, r.want)
			}
			continue
		}
		if a == "" {
			a = def
		}
		if err := validate(a.(string)); err != nil {
			p.t.Fatalf("scripted answer %q to %q is invalid: %v", a, q, err)
		}
		return a.(string), nil
	}
}

func (p *scriptedPrompter) Confirm(q, help string, def bool) (bool, error) {
	p.t.Helper()
	a, err := p.next(q, help)
	if err != nil {
		return false, err
	}
	return a.(bool), nil
}

// run runs authgen with args and returns its exit code and output.
func run(t *testing.T, env Env, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	env.Stdin = strings.NewReader("")
	env.Stdout, env.Stderr = &out, &out
	if env.Version == "" {
		env.Version = "test"
	}
	code := Execute(context.Background(), args, env)
	return code, out.String()
}

func newModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readAll returns every file under dir by slash path.
func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestInitPromptsMatchFlags answers every question, each setting of a
// field included, and checks that the tree equals the one the printed
// equivalent command produces once a shell has split it into words.
func TestInitPromptsMatchFlags(t *testing.T) {
	asked := newModule(t)
	p := &scriptedPrompter{t: t, answers: []any{
		"sqlite",
		[]string{"bearer-jwt"},
		[]string{"oidc (any OpenID Connect provider)", "github"},
		refused{"github", `"github" is used twice`}, refused{"Corp", "lower-case letters"}, refused{"jwt", `"/auth/jwt" is taken by backend jwt`}, "corp",
		true, "first_name", "string", "100", true, true, "",
		true, "age", "int", false, "18",
		true, "plan", "enum", "free, pro", true, "free",
		true, "nick", "string", "", false, false, true,
		true, "born", "datetime", false, "2024-01-02T03:04:05+02:00",
		true, "motto", "text", false, true, "it's $HOME: *",
		false,
		refused{"internal/my-auth", `"my-auth" is not a valid Go package name`}, "internal/accounts",
		refused{"internal/accounts", "a directory of its own"}, refused{"/srv", "relative to the module root"}, "cmd/accountsd",
	}}
	code, out := run(t, Env{Interactive: true, Prompter: p}, "init", asked, "--no-tidy")
	if code != ExitOK {
		t.Fatalf("interactive init exited %d:\n%s", code, out)
	}
	if len(p.answers) != 0 {
		t.Errorf("%d scripted answers were not asked for", len(p.answers))
	}
	const want = "authgen init --db sqlite --backend bearer-jwt --oauth oidc:corp --oauth github" +
		" --field first_name:string:required:max_length=100:default= --field age:int:default=18" +
		" --field 'plan:enum[free,pro]:required:default=free' --field nick:string:unique" +
		" --field born:datetime:default=2024-01-02T01:04:05Z --field 'motto:text:default=it'\\''s $HOME: *'" +
		" --package internal/accounts --server cmd/accountsd --yes"
	if !strings.Contains(out, "The same, without questions:\n  "+want+"\n") {
		t.Fatalf("output does not print the equivalent command %q:\n%s", want, out)
	}

	flagged := newModule(t)
	args := shellWords(t, "bash", want)[2:]
	if code, out := run(t, Env{}, append([]string{"init", flagged, "--no-tidy"}, args...)...); code != ExitOK {
		t.Fatalf("init with flags exited %d:\n%s", code, out)
	}
	a, b := readAll(t, asked), readAll(t, flagged)
	if !reflect.DeepEqual(a, b) {
		for p := range a {
			if a[p] != b[p] {
				t.Errorf("%s differs between the asked and the flagged init", p)
			}
		}
		t.Fatalf("trees differ: %d and %d files", len(a), len(b))
	}
	if _, ok := a["internal/accounts/service_gen.go"]; !ok {
		t.Error("the answers did not reach the generator: no internal/accounts/service_gen.go")
	}
}

// shellWords returns the words shell makes of the command line, as when it
// is pasted into it.
func shellWords(t *testing.T, shell, line string) []string {
	t.Helper()
	path, err := exec.LookPath(shell)
	switch {
	case err != nil && os.Getenv("CI") != "":
		t.Fatalf("no %s, which CI installs with scripts/services: %v", shell, err)
	case err != nil:
		t.Skipf("no %s (apt-get install %s, or eval \"$(scripts/services)\", installs it): %v", shell, shell, err)
	}
	out, err := exec.Command(path, "-c", `printf '%s\0' `+line).Output()
	if err != nil {
		t.Fatalf("%s -c %q: %v", shell, line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// TestEquivalentCommandPastes pastes the equivalent command of specs
// whose fields have every setting, and text that a shell would expand,
// into bash and zsh, and checks that init run with the words the shell
// makes writes the same spec.
func TestEquivalentCommandPastes(t *testing.T) {
	text := func(s string) *string { return &s }
	sp := spec.DefaultSpec()
	sp.Database = "postgres"
	sp.Backends = []spec.Backend{{Name: "db", Transport: "bearer", Strategy: "database"}, {Name: "cookie-redis", Transport: "cookie", Strategy: "redis"}}
	sp.Package, sp.Server = "internal/my_auth", "cmd/auth-server"
	sp.Fields = []spec.Field{
		{Name: "first_name", Type: "string", Required: true, MaxLength: 80, Default: text("")},
		{Name: "handle", Type: "string", Unique: true, MaxLength: 30},
		{Name: "bio", Type: "text", Default: text(`it's "quoted" $HOME ~ * ? [a] {b,c} \ ; | & < > ! # %`)},
		{Name: "spaced", Type: "string", Default: text("  two  spaces  ")},
		{Name: "colons", Type: "string", Default: text("a:b:default=c")},
		{Name: "eq", Type: "string", Default: text("=echo")},
		{Name: "plan", Type: "enum", Values: []string{"free plan", "pro", "Ünïcode"}, Required: true, Default: text("free plan")},
		{Name: "seats", Type: "int", Unique: true},
		{Name: "ratio", Type: "float", Default: text("-1.5e-07")},
		{Name: "active", Type: "bool", Required: true, Default: text("false")},
		{Name: "born", Type: "date", Default: text("2000-02-29")},
		{Name: "seen", Type: "datetime", Default: text("2024-01-02T01:04:05.123456Z")},
		{Name: "ref", Type: "uuid", Unique: true},
	}
	sp.OAuth = []spec.OAuthProvider{spec.NewOAuthProvider("corp-sso", "oidc", sp.Backends), spec.NewOAuthProvider("google", "google", sp.Backends)}
	line := equivalentCommand(sp)
	for _, shell := range []string{"bash", "zsh"} {
		t.Run(shell, func(t *testing.T) {
			words := shellWords(t, shell, line)
			if len(words) < 2 || words[0] != "authgen" || words[1] != "init" {
				t.Fatalf("%s makes %q of %s", shell, words, line)
			}
			dir := newModule(t)
			if code, out := run(t, Env{}, append([]string{"init", dir, "--no-tidy"}, words[2:]...)...); code != ExitOK {
				t.Fatalf("%s\nexited %d:\n%s", line, code, out)
			}
			if got := readSpec(t, dir); !reflect.DeepEqual(got, sp) {
				t.Errorf("%s\nwrites\n%+v\nwant\n%+v", line, got, sp)
			}
		})
	}
}

// TestInitFieldAnswersChecked types answers that the field questions
// must refuse as they are given, and checks that only the questions a
// field's type and earlier answers leave open are asked.
func TestInitFieldAnswersChecked(t *testing.T) {
	dir := newModule(t)
	p := &scriptedPrompter{t: t, answers: []any{
		[]string{},
		true, refused{"Age", "must be snake_case"}, refused{"email", "reserved"}, "age", "int", false,
		refused{"x", `"x" is not a whole number`}, "", false,
		true, refused{"age", "declared twice"}, refused{"age_", "both become the Go field Age"}, "nick", "string",
		refused{"0", "at least 1"}, refused{"many", "whole number"}, refused{"10001", "out of range"}, "800", false, false,
		true, "plan", "enum",
		refused{"", "must have 1 to 64 characters"}, refused{"a, a", "listed twice"}, refused{"a]b", "cannot hold ]"}, "a, b", false,
		refused{"c", `"c" is not one of the values a, b`}, "b",
		true, "short", "string", "2", false, true, refused{"abc", "longer than max_length 2"}, "ab",
		false,
	}}
	code, out := run(t, Env{Interactive: true, Prompter: p}, "init", dir, "--no-tidy", "--db", "sqlite", "--backend", "bearer-jwt", "--package", "internal/auth", "--server", "cmd/authserver")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if len(p.answers) != 0 {
		t.Errorf("%d scripted answers were not asked for", len(p.answers))
	}
	// Only age can be unique: an enum cannot, nor a string of 800
	// characters, nor a field with a default.
	var unique []string
	for _, q := range p.asked {
		if strings.Contains(q, "unique") {
			unique = append(unique, q)
		}
	}
	if want := []string{"Must age be unique among users?"}; !reflect.DeepEqual(unique, want) {
		t.Errorf("asked %q, want %q", unique, want)
	}
	const want = "--field age:int --field nick:string:max_length=800 --field 'plan:enum[a,b]:default=b' --field short:string:max_length=2:default=ab --package"
	if !strings.Contains(out, want) {
		t.Errorf("the equivalent command lacks %q:\n%s", want, out)
	}
}

// TestInitInterrupted answers the second question with the error Ctrl-C
// gives: init must end with ExitError, say so, and write nothing.
func TestInitInterrupted(t *testing.T) {
	dir := newModule(t)
	before := readAll(t, dir)
	p := &scriptedPrompter{t: t, answers: []any{"postgres", errInterrupted}}
	code, out := run(t, Env{Interactive: true, Prompter: p}, "init", dir)
	if code != ExitError || !strings.Contains(out, "authgen: asking: interrupted by Ctrl-C; nothing was written\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("an interrupted init changed the directory: %d files before, %d after", len(before), len(after))
	}
}

// TestInitWithoutTerminalNeverPrompts runs init as CI would: no terminal,
// no flags. It must not ask and must take the defaults.
func TestInitWithoutTerminalNeverPrompts(t *testing.T) {
	dir := newModule(t)
	p := &scriptedPrompter{t: t}
	if code, out := run(t, Env{Interactive: false, Prompter: p}, "init", dir, "--no-tidy"); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if sp, want := readSpec(t, dir), spec.DefaultSpec(); !reflect.DeepEqual(sp, want) {
		t.Errorf("spec = %+v, want the defaults %+v", sp, want)
	}
	// --yes on a terminal asks nothing either.
	dir = newModule(t)
	if code, out := run(t, Env{Interactive: true, Prompter: p}, "init", dir, "--no-tidy", "--yes"); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestInitErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) string
		args  []string
		want  []string
	}{
		{"bad db", newModule, []string{"--db", "mongo"}, []string{`--db: "mongo" is not supported (allowed: sqlite, postgres, mysql)`}},
		{"bad backend", newModule, []string{"--backend", "bearer-ldap"}, []string{"--backend: unknown backend", "allowed: bearer-jwt, bearer-database, bearer-redis, cookie-jwt"}},
		{"twice backend", newModule, []string{"--backend", "bearer-jwt", "--backend", "bearer-jwt"}, []string{`--backend: "bearer-jwt" is given twice`}},
		{"bad field", newModule, []string{"--field", "Age:int"}, []string{"--field: field name \"Age\" must be snake_case"}},
		{"bad field type", newModule, []string{"--field", "age:integer"}, []string{"--field: field \"age\": unknown type \"integer\""}},
		{"bad package", newModule, []string{"--package", "../x"}, []string{"--package: directory \"../x\""}},
		{"bad oauth kind", newModule, []string{"--oauth", "facebook"}, []string{`--oauth facebook: kind "facebook" is not supported (allowed: oidc, github, google)`}},
		{"oauth name empty", newModule, []string{"--oauth", "oidc:"}, []string{"--oauth oidc:: the name after the colon is empty", "--oauth oidc:corp"}},
		{"bad oauth name", newModule, []string{"--oauth", "oidc:Corp"}, []string{`--oauth oidc:Corp: "Corp" must be lower-case letters, digits or -`}},
		{"oauth twice", newModule, []string{"--oauth", "github", "--oauth", "oidc:github"}, []string{`--oauth oidc:github: "github" is used twice`}},
		{"oauth named as a backend", newModule, []string{"--oauth", "oidc:cookie"}, []string{`--oauth oidc:cookie: "/auth/cookie" is taken by backend cookie`, "name it otherwise: --oauth oidc:NAME"}},
		{"no go.mod", func(t *testing.T) string { return t.TempDir() }, nil, []string{"no go.mod in", "--module"}},
		{"bad module", func(t *testing.T) string { return t.TempDir() }, []string{"--module", "not a path"}, []string{"--module:"}},
		{"module mismatch", newModule, []string{"--module", "example.com/other"}, []string{"already declares module example.com/app"}},
		{"already initialised", func(t *testing.T) string {
			dir := newModule(t)
			os.WriteFile(filepath.Join(dir, spec.FileName), []byte("version: 1\n"), 0o644)
			return dir
		}, nil, []string{"authgen.yaml already exists", "authgen generate"}},
		{"unknown flag", newModule, []string{"--colour"}, []string{"unknown flag: --colour"}},
		{"file in the way", func(t *testing.T) string {
			dir := newModule(t)
			os.MkdirAll(filepath.Join(dir, "internal", "auth"), 0o755)
			os.WriteFile(filepath.Join(dir, "internal", "auth", "service_gen.go"), []byte("package auth\n"), 0o644)
			return dir
		}, nil, []string{"nothing was written", "internal/auth/service_gen.go: edited by hand"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t)
			before := readAll(t, dir)
			code, out := run(t, Env{}, append([]string{"init", dir, "--no-tidy"}, tt.args...)...)
			if code != ExitError {
				t.Errorf("exit %d, want %d", code, ExitError)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output %q lacks %q", out, w)
				}
			}
			if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("a failed init changed the directory: %d files before, %d after", len(before), len(after))
			}
		})
	}
}

func TestInitCreatesModule(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	if code, out := run(t, Env{}, "init", dir, "--no-tidy", "--module", "example.com/new"); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	files := readAll(t, dir)
	if !strings.HasPrefix(files["go.mod"], "module example.com/new\n") {
		t.Errorf("go.mod = %q", files["go.mod"])
	}
	if !strings.Contains(files["cmd/authserver/main.go"], `"example.com/new/internal/auth"`) {
		t.Error("main.go does not import the generated package by the new module path")
	}
}

// TestGenerateCheckAndDryRun checks the exit codes of --check and that
// --dry-run writes nothing.
func TestGenerateCheckAndDryRun(t *testing.T) {
	dir := newModule(t)
	if code, out := run(t, Env{}, "init", dir, "--no-tidy"); code != ExitOK {
		t.Fatalf("init exited %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitOK || !strings.Contains(out, "up to date") {
		t.Fatalf("check right after init: exit %d:\n%s", code, out)
	}

	gen := filepath.Join(dir, "internal/auth/service_gen.go")
	orig, _ := os.ReadFile(gen)
	os.WriteFile(gen, append(orig, []byte("// hand edit\n")...), 0o644)
	before := readAll(t, dir)
	code, out := run(t, Env{}, "generate", dir, "--dry-run")
	if code != ExitOK || !strings.Contains(out, "conflict: edited by hand") || !strings.Contains(out, "skip (user-owned)") || !strings.Contains(out, "identical") {
		t.Errorf("dry run: exit %d:\n%s", code, out)
	}
	if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
		t.Error("--dry-run changed files")
	}
	if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitDrift || !strings.Contains(out, "edited by hand") || !strings.Contains(out, "internal/auth/service_gen.go") {
		t.Errorf("check after a hand edit: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--check", "--diff"); code != ExitDrift ||
		!strings.Contains(out, "--- a/internal/auth/service_gen.go\n+++ b/internal/auth/service_gen.go\n") || !strings.Contains(out, "\n-// hand edit\n") {
		t.Errorf("check --diff after a hand edit: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--diff"); code != ExitError || !strings.Contains(out, "--diff goes with --check or --dry-run") {
		t.Errorf("--diff alone: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--no-tidy"); code != ExitError || !strings.Contains(out, "nothing was written") || !strings.Contains(out, "--force") {
		t.Errorf("generate over a hand edit: exit %d:\n%s", code, out)
	}
	if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
		t.Error("a refused generate changed files")
	}
	if code, out := run(t, Env{}, "generate", dir, "--no-tidy", "--force"); code != ExitOK {
		t.Errorf("generate --force: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitOK {
		t.Errorf("check after --force: exit %d:\n%s", code, out)
	}

	os.Remove(gen)
	if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitDrift || !strings.Contains(out, "missing") {
		t.Errorf("check with a missing file: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--no-tidy"); code != ExitOK || !strings.Contains(out, "create     internal/auth/service_gen.go") {
		t.Errorf("generate restoring a missing file: exit %d:\n%s", code, out)
	}

	sp := filepath.Join(dir, spec.FileName)
	os.WriteFile(sp, []byte("version: 1\ndatabase: [sqlite\n"), 0o644)
	if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitError || !strings.Contains(out, "authgen.yaml:") {
		t.Errorf("check with a malformed authgen.yaml: exit %d:\n%s", code, out)
	}
	os.WriteFile(sp, []byte("version: 1\nbackend: []\n"), 0o644)
	if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitError || !strings.Contains(out, `authgen.yaml:2: unknown key "backend"`) {
		t.Errorf("check with an unknown key: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--check", "--dry-run"); code != ExitError {
		t.Errorf("--check --dry-run: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", t.TempDir()); code != ExitError || !strings.Contains(out, "run `authgen init`") {
		t.Errorf("generate without authgen.yaml: exit %d:\n%s", code, out)
	}
}

// TestInitOAuth checks the providers init writes from --oauth, from the
// OAuth question, and from both with the backends answered after --oauth
// made its providers: each provider logs in through every backend there
// is in the end, and one whose routes then clash is refused, naming the
// flag.
func TestInitOAuth(t *testing.T) {
	jwtAndDB := []spec.Backend{{Name: "jwt", Transport: "bearer", Strategy: "jwt"}, {Name: "db", Transport: "bearer", Strategy: "database"}}
	tests := []struct {
		name        string
		interactive bool
		args        []string
		answers     []any
		want        []spec.OAuthProvider
		wantErr     string
	}{
		{"no flag, no terminal", false, nil, nil, nil, ""},
		{"kinds named after themselves", false, []string{"--oauth", "github", "--oauth", "google"}, nil,
			[]spec.OAuthProvider{spec.NewOAuthProvider("github", "github", spec.DefaultSpec().Backends), spec.NewOAuthProvider("google", "google", spec.DefaultSpec().Backends)}, ""},
		{"two oidc providers", false, []string{"--oauth", "oidc", "--oauth", "oidc:corp-2"}, nil,
			[]spec.OAuthProvider{spec.NewOAuthProvider("oidc", "oidc", spec.DefaultSpec().Backends), spec.NewOAuthProvider("corp-2", "oidc", spec.DefaultSpec().Backends)}, ""},
		{"asked: none", true, []string{"--db", "sqlite", "--backend", "bearer-jwt", "--field", "age:int", "--package", "internal/auth", "--server", "cmd/authserver"},
			[]any{[]string{}}, nil, ""},
		{"asked: all, oidc named by default", true, []string{"--db", "sqlite", "--backend", "bearer-jwt", "--field", "age:int", "--package", "internal/auth", "--server", "cmd/authserver"},
			[]any{[]string{"oidc (any OpenID Connect provider)", "github", "google"}, ""},
			[]spec.OAuthProvider{
				spec.NewOAuthProvider("oidc", "oidc", jwtAndDB[:1]),
				spec.NewOAuthProvider("github", "github", jwtAndDB[:1]),
				spec.NewOAuthProvider("google", "google", jwtAndDB[:1]),
			}, ""},
		{"flag over backends asked", true, []string{"--db", "sqlite", "--oauth", "oidc:corp", "--field", "age:int", "--package", "internal/auth", "--server", "cmd/authserver"},
			[]any{[]string{"bearer-jwt", "bearer-database"}},
			[]spec.OAuthProvider{spec.NewOAuthProvider("corp", "oidc", jwtAndDB)}, ""},
		{"flag clashing with a backend asked", true, []string{"--db", "sqlite", "--oauth", "oidc:db", "--field", "age:int", "--package", "internal/auth", "--server", "cmd/authserver"},
			[]any{[]string{"bearer-jwt", "bearer-database"}},
			nil, `authgen: asking: --oauth oidc:db: "/auth/db" is taken by backend db`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newModule(t)
			p := &scriptedPrompter{t: t, answers: tt.answers}
			code, out := run(t, Env{Interactive: tt.interactive, Prompter: p}, append([]string{"init", dir, "--no-tidy"}, tt.args...)...)
			if tt.wantErr != "" {
				if code != ExitError || !strings.Contains(out, tt.wantErr) {
					t.Fatalf("exit %d, want %d and %q:\n%s", code, ExitError, tt.wantErr, out)
				}
				if _, err := os.Stat(filepath.Join(dir, spec.FileName)); err == nil {
					t.Error("a refused init wrote authgen.yaml")
				}
				return
			}
			if code != ExitOK {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			if len(p.answers) != 0 {
				t.Errorf("%d scripted answers were not asked for", len(p.answers))
			}
			if got := readSpec(t, dir).OAuth; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("oauth = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
