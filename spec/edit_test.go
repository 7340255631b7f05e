package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// commented is an authgen.yaml with every kind of comment and blank lines
// between sections and items, which an edit must keep as they are.
const commented = `# head comment of the file

version: 1 # line comment on version

database: sqlite

backends:
  - name: jwt
    transport: bearer
    strategy: jwt

# head comment of user
user: # line comment on user
  # head comment of fields
  fields: # line comment on fields
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
  server: cmd/authserver
# foot comment of the file
`

// bioItem is the item of user.fields that field add writes for
// Field{Name: "bio", Type: "text"}.
const bioItem = `    - name: bio
      type: text
      required: false
`

func ptr(s string) *string { return &s }

// addField and removeField edit authgen.yaml data as `authgen field`
// does.
func addField(data []byte, f Field) ([]byte, error) {
	file, err := ParseFile(FileName, data)
	if err != nil {
		return nil, err
	}
	edited, err := file.AddField(f)
	if err != nil {
		return nil, err
	}
	return edited.Bytes(), nil
}

func removeField(data []byte, name string) ([]byte, error) {
	file, err := ParseFile(FileName, data)
	if err != nil {
		return nil, err
	}
	edited, err := file.RemoveField(name)
	if err != nil {
		return nil, err
	}
	return edited.Bytes(), nil
}

func mustParse(t *testing.T, data []byte) Spec {
	t.Helper()
	sp, err := Parse(FileName, data)
	if err != nil {
		t.Fatalf("%v\nin:\n%s", err, data)
	}
	return sp
}

// formatSpec returns what authgen init writes for the default spec with
// fields and dropped.
func formatSpec(fields []Field, dropped ...string) string {
	s := DefaultSpec()
	s.Fields, s.DroppedFields = fields, dropped
	return string(format(s))
}

// sampleFields returns fields of a few kinds for the tests to add and
// remove; bio is the one bioItem shows.
func sampleFields() (age, nick, bio, plan Field) {
	return Field{Name: "age", Type: "int"},
		Field{Name: "nick", Type: "string", Required: true, MaxLength: 40},
		Field{Name: "bio", Type: "text"},
		Field{Name: "plan", Type: "enum", Values: []string{"free", "pro"}, Default: ptr("free"), Required: true}
}

func TestAddField(t *testing.T) {
	age, nick, bio, _ := sampleFields()
	tests := []struct {
		name     string
		in, want string
		field    Field
	}{
		{
			name:  "comments, blank lines and key order stay",
			in:    commented,
			field: bio,
			want:  strings.Replace(commented, "      required: true\n", "      required: true\n"+bioItem, 1),
		},
		{
			// yaml.v3 moves this comment into the next item when it
			// encodes the file: the edit must not.
			name:  "a comment the encoder would move stays",
			in:    "version: 1\nuser:\n  fields:\n    - name: age\n      type: int\n    # foot comment of age\n\n    - name: nick\n      type: string\n",
			field: bio,
			want:  "version: 1\nuser:\n  fields:\n    - name: age\n      type: int\n    # foot comment of age\n\n    - name: nick\n      type: string\n" + bioItem,
		},
		{
			name:  "as authgen writes it: the first field",
			in:    formatSpec(nil),
			field: age,
			want:  formatSpec([]Field{age}),
		},
		{
			name:  "as authgen writes it: every key, in order",
			in:    formatSpec([]Field{age}),
			field: Field{Name: "handle", Type: "string", Required: true, MaxLength: 32, Default: ptr("anon"), Indexed: true},
			want:  formatSpec([]Field{age, {Name: "handle", Type: "string", Required: true, MaxLength: 32, Default: ptr("anon"), Indexed: true}}),
		},
		{
			name:  "as authgen writes it: an enum, indexed",
			in:    formatSpec([]Field{age}),
			field: Field{Name: "code", Type: "enum", Values: []string{"a", "b"}, Indexed: true},
			want:  formatSpec([]Field{age, {Name: "code", Type: "enum", Values: []string{"a", "b"}, Indexed: true}}),
		},
		{
			name:  "a dropped field comes back",
			in:    formatSpec([]Field{age}, "nick", "old"),
			field: nick,
			want:  formatSpec([]Field{age, nick}, "old"),
		},
		{
			name:  "dropped_fields is pruned when it empties",
			in:    formatSpec([]Field{age}, "nick"),
			field: nick,
			want:  formatSpec([]Field{age, nick}),
		},
		{
			name:  "block dropped_fields",
			in:    "version: 1\nuser:\n  fields: []\n  dropped_fields:\n    - old\n    - bio # gone\n    - older\n",
			field: bio,
			want:  "version: 1\nuser:\n  fields:\n" + bioItem + "  dropped_fields:\n    - old\n    - older\n",
		},
		{
			name:  "flow fields: [] becomes a block list",
			in:    "version: 1\n\nuser:\n  fields: [] # none yet\n\noutput:\n  package: internal/auth\n",
			field: bio,
			want:  "version: 1\n\nuser:\n  fields: # none yet\n" + bioItem + "\noutput:\n  package: internal/auth\n",
		},
		{
			name:  "no user: added after backends",
			in:    "# my spec\nversion: 1\nbackends:\n  - name: jwt\n    transport: bearer\n    strategy: jwt\n\n# where\noutput:\n  package: internal/auth\n",
			field: bio,
			want:  "# my spec\nversion: 1\nbackends:\n  - name: jwt\n    transport: bearer\n    strategy: jwt\nuser:\n  fields:\n" + bioItem + "\n# where\noutput:\n  package: internal/auth\n",
		},
		{
			name:  "flow user: {} becomes a block mapping",
			in:    "version: 1\nuser: {} # later\n",
			field: bio,
			want:  "version: 1\nuser: # later\n  fields:\n" + bioItem,
		},
		{
			name:  "no user nor backends: added at the end",
			in:    "version: 1 # v\n",
			field: bio,
			want:  "version: 1 # v\nuser:\n  fields:\n" + bioItem,
		},
		{
			name:  "user without fields",
			in:    "version: 1\nuser:\n  dropped_fields: [old] # kept\n",
			field: bio,
			want:  "version: 1\nuser:\n  fields:\n" + bioItem + "  dropped_fields: [old] # kept\n",
		},
		{
			name:  "CRLF line endings stay",
			in:    "version: 1\r\n\r\nuser:\r\n  fields: []\r\n",
			field: bio,
			want:  strings.ReplaceAll("version: 1\n\nuser:\n  fields:\n"+bioItem, "\n", "\r\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := addField([]byte(tt.in), tt.field)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			sp := mustParse(t, got)
			if i := slices.IndexFunc(sp.Fields, func(f Field) bool { return f.Name == tt.field.Name }); i < 0 || !reflect.DeepEqual(sp.Fields[i], tt.field) {
				t.Errorf("fields read back = %+v, want one of them %+v", sp.Fields, tt.field)
			}
			if slices.Contains(sp.DroppedFields, tt.field.Name) {
				t.Errorf("dropped_fields still lists %s: %q", tt.field.Name, sp.DroppedFields)
			}
		})
	}
}

// TestAddFieldKeepsOtherIndents adds to a file indented by four spaces:
// the result must still mean the same, even if it cannot keep every line.
func TestAddFieldKeepsOtherIndents(t *testing.T) {
	age, _, bio, _ := sampleFields()
	in := "version: 1\n\nuser:\n    fields:\n    -   name: age\n        type: int\n\n    dropped_fields: [bio]\n\noutput:\n    package: internal/auth\n"
	got, err := addField([]byte(in), bio)
	if err != nil {
		t.Fatal(err)
	}
	sp := mustParse(t, got)
	if want := []Field{age, bio}; !reflect.DeepEqual(sp.Fields, want) || len(sp.DroppedFields) != 0 || sp.Package != "internal/auth" {
		t.Errorf("read back %+v, dropped %q:\n%s", sp.Fields, sp.DroppedFields, got)
	}
	if !strings.Contains(string(got), "\n\noutput:") {
		t.Errorf("the blank line before output is lost:\n%s", got)
	}
}

// TestAddFieldDefaults checks that each default reads back as the text
// given, of the field's type: quoted where plain YAML would read another
// type, plain otherwise.
func TestAddFieldDefaults(t *testing.T) {
	tests := []struct {
		field    Field
		def      string
		wantLine string
	}{
		{Field{Type: "string"}, "", "default: ''"},
		{Field{Type: "string"}, "0", "default: '0'"},
		{Field{Type: "string"}, "false", "default: 'false'"},
		{Field{Type: "string"}, "null", "default: 'null'"},
		{Field{Type: "string"}, "2000-01-01", "default: '2000-01-01'"},
		{Field{Type: "string"}, "it's: #1", `default: 'it''s: #1'`},
		{Field{Type: "string"}, " padded ", "default: ' padded '"},
		{Field{Type: "string"}, "plain words", "default: plain words"},
		{Field{Type: "text"}, "two\nlines", `default: "two\nlines"`},
		{Field{Type: "int"}, "0", "default: 0"},
		{Field{Type: "int"}, "-42", "default: -42"},
		{Field{Type: "float"}, "0.5", "default: 0.5"},
		{Field{Type: "float"}, "3", "default: 3"},
		{Field{Type: "bool"}, "false", "default: false"},
		{Field{Type: "date"}, "2000-01-01", "default: 2000-01-01"},
		{Field{Type: "datetime"}, "2000-01-01T12:30:00Z", "default: 2000-01-01T12:30:00Z"},
		{Field{Type: "uuid"}, "01234567-89ab-cdef-0123-456789abcdef", "default: 01234567-89ab-cdef-0123-456789abcdef"},
		{Field{Type: "enum", Values: []string{"yes", "no", "0"}}, "yes", "default: yes"},
		{Field{Type: "enum", Values: []string{"yes", "no", "0"}}, "0", "default: '0'"},
	}
	for _, tt := range tests {
		f := tt.field
		f.Name, f.Default = "value", ptr(tt.def)
		t.Run(f.Type+" "+tt.def, func(t *testing.T) {
			got, err := addField([]byte(formatSpec(nil)), f)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got), "\n      "+tt.wantLine+"\n") {
				t.Errorf("no line %q in:\n%s", tt.wantLine, got)
			}
			sp := mustParse(t, got)
			if len(sp.Fields) != 1 || sp.Fields[0].Default == nil || *sp.Fields[0].Default != tt.def {
				t.Fatalf("read back %+v, want default %q", sp.Fields, tt.def)
			}
			if !reflect.DeepEqual(sp.Fields[0], f) {
				t.Errorf("read back %+v, want %+v", sp.Fields[0], f)
			}
		})
	}
}

// TestAddFieldValues checks enum values that plain YAML in a flow list
// would misread.
func TestAddFieldValues(t *testing.T) {
	f := Field{Name: "tag", Type: "enum", Values: []string{"a,b", "x y", "'q'", "#h", "true", "1", "[x]", "k: v"}}
	got, err := addField([]byte(formatSpec(nil)), f)
	if err != nil {
		t.Fatal(err)
	}
	if sp := mustParse(t, got); len(sp.Fields) != 1 || !reflect.DeepEqual(sp.Fields[0].Values, f.Values) {
		t.Errorf("values read back as %q, want %q:\n%s", sp.Fields, f.Values, got)
	}
}

func TestRemoveField(t *testing.T) {
	age, nick, bio, plan := sampleFields()
	tests := []struct {
		name      string
		in, field string
		want      string
	}{
		{
			name:  "comments, blank lines and key order stay",
			in:    commented,
			field: "nick",
			want: strings.Replace(commented, `

    - name: nick
      type: string
      required: true
  # foot comment of fields
`, `
  # foot comment of fields
  dropped_fields: [nick]
`, 1),
		},
		{
			name:  "the first item, with its comments and the blank line after it",
			in:    commented,
			field: "age",
			want: strings.Replace(strings.Replace(commented, `    # head comment of age
    - name: age # line comment on age
      type: int
      required: false

`, "", 1), "  # foot comment of fields\n", "  # foot comment of fields\n  dropped_fields: [age]\n", 1),
		},
		{
			name:  "as authgen writes it: dropped_fields is created",
			in:    formatSpec([]Field{age, nick, bio}),
			field: "nick",
			want:  formatSpec([]Field{age, bio}, "nick"),
		},
		{
			name:  "as authgen writes it: dropped_fields grows",
			in:    formatSpec([]Field{age, nick}, "old"),
			field: "age",
			want:  formatSpec([]Field{nick}, "old", "age"),
		},
		{
			name:  "as authgen writes it: the last field",
			in:    formatSpec([]Field{plan}),
			field: "plan",
			want:  formatSpec(nil, "plan"),
		},
		{
			name:  "block dropped_fields",
			in:    "version: 1\nuser:\n  fields:\n" + bioItem + "  dropped_fields:\n    - old # why\n",
			field: "bio",
			want:  "version: 1\nuser:\n  fields: []\n  dropped_fields:\n    - old # why\n    - bio\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := removeField([]byte(tt.in), tt.field)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			sp := mustParse(t, got)
			if slices.ContainsFunc(sp.Fields, func(f Field) bool { return f.Name == tt.field }) {
				t.Errorf("%s is still a field", tt.field)
			}
			if !slices.Contains(sp.DroppedFields, tt.field) {
				t.Errorf("dropped_fields = %q, want %s in it", sp.DroppedFields, tt.field)
			}
		})
	}
}

func TestFieldEditErrors(t *testing.T) {
	age, nick, bio, _ := sampleFields()
	sp := formatSpec([]Field{age, nick})
	add := func(f Field) func() ([]byte, error) {
		return func() ([]byte, error) { return addField([]byte(sp), f) }
	}
	tests := []struct {
		name string
		edit func() ([]byte, error)
		want []string
	}{
		{"duplicate", add(Field{Name: "nick", Type: "text"}), []string{`field "nick" already exists`, "authgen field remove nick"}},
		{"unknown", func() ([]byte, error) { return removeField([]byte(sp), "bio") }, []string{`no field "bio"`, "the fields are: age, nick"}},
		{"unknown, none", func() ([]byte, error) { return removeField([]byte(formatSpec(nil)), "bio") }, []string{`no field "bio"`, "there are no custom fields"}},
		{"bad name", add(Field{Name: "Bio", Type: "text"}), []string{`field name "Bio" must be snake_case`}},
		{"reserved name", add(Field{Name: "email", Type: "text"}), []string{`field name "email" is reserved`, "email_value"}},
		{"bad type", add(Field{Name: "bio", Type: "integer"}), []string{`field "bio": unknown type "integer"`, "allowed: string"}},
		{"max_length of an int", add(Field{Name: "n", Type: "int", MaxLength: 5}), []string{`field "n": max_length is for string fields`}},
		{"values of a string", add(Field{Name: "s", Type: "string", Values: []string{"a"}}), []string{`field "s": values are for enum fields`}},
		{"enum without values", add(Field{Name: "e", Type: "enum"}), []string{`field "e": an enum needs values`}},
		{"bad int default", add(Field{Name: "n", Type: "int", Default: ptr("ten")}), []string{`field "n": default "ten": not a whole number`}},
		{"bad date default", add(Field{Name: "d", Type: "date", Default: ptr("01/02/2000")}), []string{`field "d": default "01/02/2000": not a date`}},
		{"default not a value", add(Field{Name: "e", Type: "enum", Values: []string{"a"}, Default: ptr("b")}), []string{`default "b": not one of the values a`}},
		{"unique default", add(Field{Name: "s", Type: "string", Unique: true, Default: ptr("")}), []string{`field "s": a unique field cannot have a default`}},
		{"broken YAML", func() ([]byte, error) { return addField([]byte("version: 1\nuser: [\n"), bio) }, []string{"authgen.yaml:2:", "fix the YAML syntax"}},
		{"invalid spec", func() ([]byte, error) { return removeField([]byte("version: 1\ncolour: red\n"), "bio") }, []string{`authgen.yaml:2: unknown key "colour"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.edit()
			if err == nil {
				t.Fatalf("no error; got:\n%s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestEditTestdata adds a field to every authgen.yaml of the repository's
// tests and removes one from each that has some: every edit must read
// back as intended (edit checks it) and keep every other line.
func TestEditTestdata(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "*", FileName))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "*", FileName))
	paths = append(paths, more...)
	if len(paths) < 6 {
		t.Fatalf("found only %d test specs: %q", len(paths), paths)
	}
	added := Field{Name: "added_field", Type: "enum", Values: []string{"a", "b c"}, Default: ptr("b c"), Required: true}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFile(p, data)
			if err != nil {
				t.Fatal(err)
			}
			edited, err := f.AddField(added)
			if err != nil {
				t.Fatalf("adding a field: %v", err)
			}
			// fields: [] is the one line that must change.
			if lost := lostLines(data, edited.Bytes()); len(lost) > 0 && !slices.Equal(lost, []string{"  fields: []"}) {
				t.Errorf("adding a field lost lines %q", lost)
			}
			if fields := f.Spec().Fields; len(fields) > 0 {
				last := fields[len(fields)-1].Name
				if _, err := f.RemoveField(last); err != nil {
					t.Errorf("removing %s: %v", last, err)
				}
			}
		})
	}
}

// lostLines returns the lines of before that after lacks.
func lostLines(before, after []byte) []string {
	have := map[string]int{}
	for _, l := range strings.Split(string(after), "\n") {
		have[l]++
	}
	var lost []string
	for _, l := range strings.Split(string(before), "\n") {
		if have[l] == 0 {
			lost = append(lost, l)
		}
		have[l]--
	}
	return lost
}

// TestEditLayouts edits files whose layout the editor must read right: a
// block scalar with blank and #-lines in it, and a last line without a
// line ending.
func TestEditLayouts(t *testing.T) {
	bio := Field{Name: "bio", Type: "text"}
	blockScalar := "version: 1\nuser:\n  fields:\n    - name: motto\n      type: text\n      default: |\n        first\n\n        # not a comment\n    - name: age\n      type: int\n"
	got, err := addField([]byte(blockScalar), bio)
	if err != nil {
		t.Fatalf("adding after a block scalar: %v", err)
	}
	if want := blockScalar + bioItem; string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	got, err = removeField([]byte(blockScalar), "motto")
	if err != nil {
		t.Fatalf("removing a field with a block scalar: %v", err)
	}
	if want := "version: 1\nuser:\n  fields:\n    - name: age\n      type: int\n  dropped_fields: [motto]\n"; string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	unterminated := "version: 1\nuser:\n  fields: []"
	got, err = addField([]byte(unterminated), bio)
	if err != nil {
		t.Fatal(err)
	}
	if want := "version: 1\nuser:\n  fields:\n" + strings.TrimSuffix(bioItem, "\n"); string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestEditRefusesBeforeEditing checks that a field the spec refuses with
// the others is reported without line numbers of a text not on disk.
func TestEditRefusesBeforeEditing(t *testing.T) {
	f, err := ParseFile(FileName, []byte("version: 1\nuser:\n  fields:\n    - {name: user_id, type: int}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.AddField(Field{Name: "user_i_d", Type: "int"})
	if err == nil || !strings.Contains(err.Error(), `user.fields[1].name: "user_id" and "user_i_d" both become the Go field UserID`) || strings.Contains(err.Error(), "authgen.yaml:") {
		t.Errorf("err = %v", err)
	}
}
