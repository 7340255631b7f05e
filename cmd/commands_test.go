package cmd

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/authgen/authgen/spec"
)

// initialised returns a module that `authgen init` has generated into.
func initialised(t *testing.T, args ...string) string {
	t.Helper()
	dir := newModule(t)
	if code, out := run(t, Env{}, append([]string{"init", dir, "--no-tidy", "--yes"}, args...)...); code != ExitOK {
		t.Fatalf("init exited %d:\n%s", code, out)
	}
	return dir
}

// TestInitRefusesScaffoldInTheWay puts a file where init would scaffold
// one of the user's: kept, it would not be what the generated code
// expects, so init stops before writing anything, go.mod included.
func TestInitRefusesScaffoldInTheWay(t *testing.T) {
	for _, file := range []string{"internal/auth/hooks.go", "cmd/authserver/main.go"} {
		t.Run(file, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, filepath.FromSlash(file))
			os.MkdirAll(filepath.Dir(path), 0o755)
			os.WriteFile(path, []byte("package mine\n"), 0o644)
			before := readAll(t, dir)
			code, out := run(t, Env{}, "init", dir, "--no-tidy", "--yes", "--module", "example.com/app")
			if code != ExitError || !strings.Contains(out, file+": exists; authgen would scaffold it") || !strings.Contains(out, "move the files in the way elsewhere") {
				t.Errorf("exit %d:\n%s", code, out)
			}
			if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused init changed the directory: %d files before, %d after", len(before), len(after))
			}
		})
	}
}

// TestGenerateFindsSpecAbove runs generate and field from a directory
// inside the module, as go runs from anywhere in one.
func TestGenerateFindsSpecAbove(t *testing.T) {
	dir := initialised(t)
	t.Chdir(filepath.Join(dir, "internal", "auth"))
	if code, out := run(t, Env{}, "generate", "--check"); code != ExitOK || !strings.Contains(out, "up to date") {
		t.Errorf("generate --check below the root: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "field", "add", "nick", "string", "--no-tidy"); code != ExitOK {
		t.Fatalf("field add below the root: exit %d:\n%s", code, out)
	}
	sp := mustParse(t, mustRead(t, filepath.Join(dir, spec.FileName)))
	if len(sp.Fields) != 1 || sp.Fields[0].Name != "nick" {
		t.Errorf("fields after field add below the root: %+v", sp.Fields)
	}
	if _, err := os.Stat(spec.FileName); err == nil {
		t.Error("field add wrote an authgen.yaml in the working directory")
	}
}

func TestQuietPrintsOnlyTheSummary(t *testing.T) {
	dir := newModule(t)
	code, out := run(t, Env{}, "init", dir, "--no-tidy", "--yes", "-q")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "create ") || strings.Contains(out, "Start the server") || strings.Count(out, "\n") != 1 || !strings.Contains(out, " created, ") {
		t.Errorf("init -q printed more or less than the summary:\n%s", out)
	}
	code, out = run(t, Env{}, "generate", dir, "--no-tidy", "--quiet")
	if want := "authgen: 0 created, 0 overwritten, 0 deleted,"; code != ExitOK || !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("generate --quiet: exit %d, want one line starting %q:\n%s", code, want, out)
	}
}

func TestFieldList(t *testing.T) {
	dir := initialised(t, "--field", "plan:enum[free, pro]:required", "--field", "age:int")
	if code, out := run(t, Env{}, "field", "add", "nick", "string", dir, "--max-length", "40", "--unique", "--no-tidy"); code != ExitOK {
		t.Fatalf("field add: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "field", "remove", "age", dir, "--no-tidy"); code != ExitOK {
		t.Fatalf("field remove: exit %d:\n%s", code, out)
	}
	code, out := run(t, Env{}, "field", "list", dir)
	want := "plan:enum[free,pro]:required\nnick:string:unique:max_length=40\ndropped: age\n"
	if code != ExitOK || out != want {
		t.Errorf("field list: exit %d:\n%s\nwant:\n%s", code, out, want)
	}
}

// TestCheckAdvice checks that --check names a command that brings the
// tree up to date for each kind of drift.
func TestCheckAdvice(t *testing.T) {
	dir := initialised(t)
	gen := filepath.Join(dir, "internal/auth/service_gen.go")
	os.WriteFile(gen, append(mustRead(t, gen), "// hand edit\n"...), 0o644)
	code, out := run(t, Env{}, "generate", dir, "--check")
	if code != ExitDrift || !strings.Contains(out, "Run `authgen generate "+dir+" --force` to overwrite the files edited by hand") {
		t.Errorf("check after a hand edit: exit %d:\n%s", code, out)
	}
	if code, out := run(t, Env{}, "generate", dir, "--no-tidy", "--force"); code != ExitOK {
		t.Fatalf("generate --force: exit %d:\n%s", code, out)
	}

	migration := filepath.Join(dir, "internal/auth/migrations/0001_init.sql")
	os.WriteFile(migration, append(mustRead(t, migration), "-- edited\n"...), 0o644)
	code, out = run(t, Env{}, "generate", dir, "--check")
	if code != ExitDrift || !strings.Contains(out, "git checkout -- internal/auth/migrations/0001_init.sql") {
		t.Errorf("check after a past migration changed: exit %d:\n%s", code, out)
	}
	code, out = run(t, Env{}, "generate", dir, "--no-tidy", "--force")
	if code != ExitError || !strings.Contains(out, "restore past migrations from version control") {
		t.Errorf("generate --force over a changed migration: exit %d:\n%s", code, out)
	}

	os.Remove(filepath.Join(dir, "go.mod"))
	code, out = run(t, Env{}, "generate", dir, "--check")
	if code != ExitError || !strings.Contains(out, "run `go mod init <module path>` there") || strings.Contains(out, "authgen init") {
		t.Errorf("check without go.mod: exit %d:\n%s", code, out)
	}
}

// TestPipedInitSaysDefaultsAreTaken runs init without a terminal and
// without --yes: it says why nothing is asked.
func TestPipedInitSaysDefaultsAreTaken(t *testing.T) {
	code, out := run(t, Env{}, "init", newModule(t), "--no-tidy")
	if code != ExitOK || !strings.Contains(out, "standard input or output is not a terminal") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out = run(t, Env{}, "init", newModule(t), "--no-tidy", "--yes")
	if code != ExitOK || strings.Contains(out, "standard input or output is not a terminal") {
		t.Errorf("--yes: exit %d:\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	env := Env{Version: "v1.2.3 (commit 0123456789ab, go1.26.8)"}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		if code, out := run(t, env, args...); code != ExitOK || out != "authgen v1.2.3 (commit 0123456789ab, go1.26.8)\n" {
			t.Errorf("authgen %s: exit %d: %q", args[0], code, out)
		}
	}
	dir := newModule(t)
	if code, out := run(t, env, "init", dir, "--no-tidy", "--yes"); code != ExitOK {
		t.Fatalf("init: exit %d:\n%s", code, out)
	}
	if lock := string(mustRead(t, filepath.Join(dir, "authgen.lock"))); !strings.Contains(lock, `"generator": "v1.2.3 (commit 0123456789ab, go1.26.8)"`) {
		t.Errorf("authgen.lock does not record the version:\n%s", lock[:min(len(lock), 200)])
	}

	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"},
	}}
	if got, want := formatBuildInfo(info), "devel (commit 0123456789ab, modified, go1.26.8)"; got != want {
		t.Errorf("formatBuildInfo = %q, want %q", got, want)
	}
	info = &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.0.0"}}
	if got, want := formatBuildInfo(info), "v1.0.0 (go1.26.8)"; got != want {
		t.Errorf("formatBuildInfo = %q, want %q", got, want)
	}
}

// TestHelp checks every command's help: an example each, and flag
// descriptions that pflag does not misread (a back-quoted word in a usage
// string becomes the flag's argument name).
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"init"}, {"generate"}, {"field"}, {"field", "add"}, {"field", "remove"}, {"field", "list"}, {"version"}} {
		code, out := run(t, Env{}, append(args, "--help")...)
		if code != ExitOK || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: exit %d, no examples:\n%s", strings.Join(args, " "), code, out)
		}
		if strings.Contains(out, "--no-tidy go") {
			t.Errorf("%s --help renders --no-tidy with an argument:\n%s", strings.Join(args, " "), out)
		}
	}
	if _, out := run(t, Env{}, "generate", "--help"); !strings.Contains(out, "authgen generate --check") {
		t.Errorf("generate --help does not show the CI use of --check:\n%s", out)
	}
}

// TestFindProjectBounds checks where the search for authgen.yaml stops: a
// directory that does not exist is bad usage, not the one above it, and a
// module nested in another is a project of its own.
func TestFindProjectBounds(t *testing.T) {
	dir := initialised(t)
	if code, out := run(t, Env{}, "generate", filepath.Join(dir, "typo"), "--check"); code != ExitError || !strings.Contains(out, "is not a directory") {
		t.Errorf("generate in a missing directory: exit %d:\n%s", code, out)
	}
	nested := filepath.Join(dir, "tools", "gen")
	os.MkdirAll(nested, 0o755)
	os.WriteFile(filepath.Join(nested, "go.mod"), []byte("module example.com/tools\n\ngo 1.25\n"), 0o644)
	os.MkdirAll(filepath.Join(nested, "sub"), 0o755)
	if code, out := run(t, Env{}, "generate", filepath.Join(nested, "sub"), "--check"); code != ExitError || !strings.Contains(out, "the root of the module: run `authgen init` there first") {
		t.Errorf("generate inside a nested module: exit %d:\n%s", code, out)
	}
}

// TestFieldCommandForceAndMigrations checks that the advice field gives
// works (--force over a hand edit), and that it says which migration it
// wrote, or that none was needed.
func TestFieldCommandForceAndMigrations(t *testing.T) {
	dir := initialised(t)
	gen := filepath.Join(dir, "internal/auth/service_gen.go")
	os.WriteFile(gen, append(mustRead(t, gen), "// hand edit\n"...), 0o644)
	code, out := run(t, Env{}, "field", "add", "nick", "string", dir, "--no-tidy")
	if code != ExitError || !strings.Contains(out, "pass --force") {
		t.Fatalf("field add over a hand edit: exit %d:\n%s", code, out)
	}
	code, out = run(t, Env{}, "field", "add", "nick", "string", dir, "--no-tidy", "--force")
	if code != ExitOK || !strings.Contains(out, "overwrite  internal/auth/service_gen.go (forced)") || !strings.Contains(out, "migration internal/auth/migrations/0002_add_nick.sql adds its column") {
		t.Fatalf("field add --force: exit %d:\n%s", code, out)
	}

	fresh := newModule(t)
	os.WriteFile(filepath.Join(fresh, spec.FileName), []byte("version: 1\nuser:\n  fields:\n    - {name: zed, type: int}\n"), 0o644)
	code, out = run(t, Env{}, "field", "remove", "zed", fresh, "--no-tidy")
	if code != ExitOK || !strings.Contains(out, "the first migration, internal/auth/migrations/0001_init.sql, makes the users table as authgen.yaml now says") {
		t.Errorf("field remove before any migration: exit %d:\n%s", code, out)
	}
}

// TestEditKeepsPermissions checks that rewriting a file of the user's
// keeps its mode.
func TestEditKeepsPermissions(t *testing.T) {
	dir := initialised(t)
	path := filepath.Join(dir, spec.FileName)
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := run(t, Env{}, "field", "add", "nick", "string", dir, "--no-tidy"); code != ExitOK {
		t.Fatalf("field add: exit %d:\n%s", code, out)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("authgen.yaml mode after field add: %v, %v; want 0600", info.Mode(), err)
	}
}
