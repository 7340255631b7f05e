package cmd

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/authgen/authgen/spec"
)

// commented is an authgen.yaml with comments and blank lines, which the
// field command must keep (spec's tests try every layout).
const commented = `# head comment of the file

version: 1 # line comment on version

user: # line comment on user
  fields:
    # head comment of age
    - name: age # line comment on age
      type: int
      required: false

    - name: nick
      type: string
      required: true
  # foot comment of fields

output:
  package: internal/auth
# foot comment of the file
`

// TestFieldCommand runs field add and remove on an initialised module.
// Whether the generator takes the schema change or refuses it, the
// command must leave authgen.yaml and the generated tree consistent:
// changed and up to date, or exactly as they were.
func TestFieldCommand(t *testing.T) {
	dir := newModule(t)
	if code, out := run(t, Env{}, "init", dir, "--no-tidy", "--field", "nick:string"); code != ExitOK {
		t.Fatalf("init exited %d:\n%s", code, out)
	}
	specPath := filepath.Join(dir, spec.FileName)

	before := readAll(t, dir)
	code, out := run(t, Env{}, "field", "add", "bio", "string", dir, "--default", "", "--no-tidy")
	checkEdited(t, dir, before, code, out)
	if code == ExitOK {
		sp := mustParse(t, mustRead(t, specPath))
		if i := slices.IndexFunc(sp.Fields, func(f spec.Field) bool { return f.Name == "bio" }); i < 0 || sp.Fields[i].Default == nil || *sp.Fields[i].Default != "" {
			t.Errorf("fields after field add: %+v", sp.Fields)
		}
	}

	before = readAll(t, dir)
	code, out = run(t, Env{}, "field", "remove", "nick", dir, "--no-tidy")
	checkEdited(t, dir, before, code, out)
	if code == ExitOK {
		if !strings.Contains(out, "migration internal/auth/migrations/0003_drop_nick.sql drops its column and the data in it") {
			t.Errorf("remove does not say it drops data:\n%s", out)
		}
		if sp := mustParse(t, mustRead(t, specPath)); !slices.Contains(sp.DroppedFields, "nick") {
			t.Errorf("dropped_fields after field remove: %q", sp.DroppedFields)
		}
	}
}

// checkEdited checks the outcome of a field command that exited with
// code: a changed authgen.yaml that generate --check finds up to date, or,
// when refused, a tree equal to before.
func checkEdited(t *testing.T, dir string, before map[string]string, code int, out string) {
	t.Helper()
	after := readAll(t, dir)
	switch code {
	case ExitOK:
		if after[spec.FileName] == before[spec.FileName] {
			t.Errorf("exit 0 but authgen.yaml is unchanged:\n%s", out)
		}
		if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitOK {
			t.Errorf("generate --check after the edit exited %d:\n%s", code, out)
		}
	case ExitError:
		if !strings.Contains(out, "nothing was written") && !strings.Contains(out, "could lose data") {
			t.Errorf("refused without saying why:\n%s", out)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("a refused edit changed the module; authgen.yaml before:\n%s\nafter:\n%s", before[spec.FileName], after[spec.FileName])
		}
	default:
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestFieldCommandGenerates edits a module that has authgen.yaml but was
// never generated, so that no recorded schema stands in the way: the
// command must write authgen.yaml and generate from it.
func TestFieldCommandGenerates(t *testing.T) {
	dir := newModule(t)
	specPath := filepath.Join(dir, spec.FileName)
	if err := os.WriteFile(specPath, []byte(commented), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := run(t, Env{}, "field", "add", "plan", "enum", dir, "--values", "free, pro", "--default", "free", "--required", "--no-tidy")
	if code != ExitOK || !strings.Contains(out, "added field plan (enum)") || !strings.Contains(out, "create     internal/auth/service_gen.go") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	want := strings.Replace(commented, "      required: true\n", `      required: true
    - name: plan
      type: enum
      required: true
      values: [free, pro]
      default: free
`, 1)
	if got := string(mustRead(t, specPath)); got != want {
		t.Errorf("authgen.yaml:\n%s\nwant:\n%s", got, want)
	}
	if code, out := run(t, Env{}, "generate", dir, "--check"); code != ExitOK {
		t.Errorf("generate --check after field add exited %d:\n%s", code, out)
	}
}

// TestFieldCommandWritesNothingWhenRefused makes regeneration fail,
// whatever the generator thinks of the schema change, with a generated
// file edited by hand: authgen.yaml must not change either.
func TestFieldCommandWritesNothingWhenRefused(t *testing.T) {
	dir := newModule(t)
	if code, out := run(t, Env{}, "init", dir, "--no-tidy"); code != ExitOK {
		t.Fatalf("init exited %d:\n%s", code, out)
	}
	gen := filepath.Join(dir, "internal/auth/service_gen.go")
	if err := os.WriteFile(gen, append(mustRead(t, gen), "// hand edit\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	before := readAll(t, dir)
	code, out := run(t, Env{}, "field", "add", "bio", "text", dir, "--no-tidy")
	if code != ExitError || !strings.Contains(out, "nothing was written") || !strings.Contains(out, "--force") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed field add changed the module; authgen.yaml:\n%s", after[spec.FileName])
	}
}

func TestFieldCommandErrors(t *testing.T) {
	initialised := func(t *testing.T) string {
		dir := newModule(t)
		if code, out := run(t, Env{}, "init", dir, "--no-tidy", "--field", "nick:string"); code != ExitOK {
			t.Fatalf("init exited %d:\n%s", code, out)
		}
		return dir
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) string
		args  []string
		want  []string
	}{
		{"no authgen.yaml", newModule, []string{"add", "bio", "text"}, []string{"no authgen.yaml in ., the root of the module", "run `authgen init` there first"}},
		{"broken authgen.yaml", func(t *testing.T) string {
			dir := newModule(t)
			os.WriteFile(filepath.Join(dir, spec.FileName), []byte("version: 1\ndatabase: [sqlite\n"), 0o644)
			return dir
		}, []string{"remove", "nick"}, []string{"authgen.yaml:1:", "fix the YAML syntax"}},
		{"exists", initialised, []string{"add", "nick", "text"}, []string{`field "nick" already exists`}},
		{"unknown", initialised, []string{"remove", "bio"}, []string{`no field "bio"`, "the fields are: nick"}},
		{"bad name", initialised, []string{"add", "Bio", "text"}, []string{`field name "Bio" must be snake_case`}},
		{"bad type", initialised, []string{"add", "bio", "blob"}, []string{`unknown type "blob"`}},
		{"bad default", initialised, []string{"add", "age", "int", "--default", "ten"}, []string{`field "age": default "ten": not a whole number`}},
		{"zero max length", initialised, []string{"add", "bio", "string", "--max-length", "0"}, []string{"--max-length 0"}},
		{"max length of a date", initialised, []string{"add", "born", "date", "--max-length", "10"}, []string{`field "born": max_length is for string fields`}},
		{"empty values", initialised, []string{"add", "plan", "enum", "--values", ""}, []string{"--values is empty"}},
		{"values of a string", initialised, []string{"add", "plan", "string", "--values", "a,b"}, []string{`field "plan": values are for enum fields`}},
		{"unique and indexed", initialised, []string{"add", "handle", "string", "--unique", "--indexed"}, []string{"unique already indexes the field; drop indexed"}},
		{"missing type", initialised, []string{"add", "bio"}, []string{"accepts between 2 and 3 arg(s)"}},
		{"unknown flag", initialised, []string{"add", "bio", "text", "--colour"}, []string{"unknown flag: --colour"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t)
			before := readAll(t, dir)
			t.Chdir(dir)
			args := append(append([]string{"field"}, tt.args...), "--no-tidy")
			code, out := run(t, Env{}, args...)
			if code != ExitError {
				t.Errorf("exit %d, want %d:\n%s", code, ExitError, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output %q lacks %q", out, w)
				}
			}
			if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
				t.Error("a refused field command changed the module")
			}
		})
	}
	if code, out := run(t, Env{}, "field", "rename", "nick"); code != ExitError || !strings.Contains(out, `unknown command "rename"`) {
		t.Errorf("field rename: exit %d:\n%s", code, out)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readSpec returns the spec of the authgen.yaml in dir.
func readSpec(t *testing.T, dir string) spec.Spec {
	t.Helper()
	return mustParse(t, mustRead(t, filepath.Join(dir, spec.FileName)))
}

func mustParse(t *testing.T, data []byte) spec.Spec {
	t.Helper()
	sp, err := spec.Parse(spec.FileName, data)
	if err != nil {
		t.Fatalf("%v\nin:\n%s", err, data)
	}
	return sp
}
