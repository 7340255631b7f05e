package generator

import (
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/authgen/authgen/spec"
	"github.com/authgen/authgen/templates"
)

// TestDialectsAnswerEverything checks that every database authgen.yaml
// may name has a dialect, and that each answers for every field type and
// names templates that exist: the goldens cover only the types and
// databases their specs use.
func TestDialectsAnswerEverything(t *testing.T) {
	if got := slices.Sorted(maps.Keys(dialects)); !slices.Equal(got, slices.Sorted(slices.Values(spec.Databases))) {
		t.Errorf("dialects has %v, want one for each of spec.Databases %v", got, spec.Databases)
	}
	if _, err := dialectOf("oracle"); err == nil {
		t.Error(`dialectOf("oracle") succeeded; want an error`)
	}
	// A valid value of each field type, as authgen.yaml writes it.
	samples := map[string]string{
		"string": "Arthur", "text": "Once and future king.", "int": "42", "float": "1.5", "bool": "true",
		"date": "1990-05-17", "datetime": "2024-01-31T10:00:00Z", "uuid": "3b241101-e2bb-4255-8caf-4136c566a962", "enum": "free",
	}
	for _, db := range spec.Databases {
		d, err := dialectOf(db)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name == "" || d.URLExample == "" {
			t.Errorf("%s: Name %q, URLExample %q; want both", db, d.Name, d.URLExample)
		}
		if d.embedded != (d.DefaultURL != "") {
			t.Errorf("%s: embedded is %v, DefaultURL %q; only an embedded database does without DATABASE_URL", db, d.embedded, d.DefaultURL)
		}
		for _, name := range []string{d.databaseTemplate, d.databaseTestTemplate} {
			if _, err := fs.Stat(templates.FS, name); err != nil {
				t.Errorf("%s: template %q: %v", db, name, err)
			}
		}
		for _, typ := range spec.FieldTypes {
			f := spec.Field{Name: "x", Type: typ, Values: []string{"free", "pro"}}
			if d.columnType(f) == "" {
				t.Errorf("%s: no column type for a %s field", db, typ)
			}
			if samples[typ] == "" {
				t.Fatalf("the test has no sample %s value", typ)
			}
			if lit := d.literal(f, samples[typ]); lit == "" {
				t.Errorf("%s: no literal for the %s value %q", db, typ, samples[typ])
			}
			if d.columnChange == rebuild && d.rebuildDefaults[typ] == "" {
				t.Errorf("%s: no default for a rebuilt %s column", db, typ)
			}
			for _, to := range []string{"string", "text"} {
				if !d.converts(typ, to) {
					t.Errorf("%s: does not convert %s to %s; anything becomes text", db, typ, to)
				}
			}
		}
	}
}

// TestDialectLiterals checks the SQL literals that need escaping or a
// database's own form of time, which no golden holds.
func TestDialectLiterals(t *testing.T) {
	text := spec.Field{Name: "bio", Type: "text"}
	when := spec.Field{Name: "seen_at", Type: "datetime"}
	tests := []struct {
		db    string
		f     spec.Field
		value string
		want  string
	}{
		{"sqlite", text, `O'Brien \o/`, `'O''Brien \o/'`},
		{"postgres", text, `O'Brien \o/`, `'O''Brien \o/'`},
		{"mysql", text, `O'Brien \o/`, `'O''Brien \\o/'`},
		{"sqlite", when, "2024-01-31T10:00:00.5+02:00", "'2024-01-31 08:00:00.5+00:00'"},
		{"postgres", when, "2024-01-31T10:00:00.5+02:00", "'2024-01-31 08:00:00.5Z'"},
		{"mysql", when, "2024-01-31T10:00:00.5+02:00", "'2024-01-31 08:00:00.5'"},
		{"mysql", spec.Field{Name: "admin", Type: "bool"}, "true", "TRUE"},
	}
	for _, tt := range tests {
		if got := dialects[tt.db].literal(tt.f, tt.value); got != tt.want {
			t.Errorf("%s: literal(%s, %q) = %s, want %s", tt.db, tt.f.Type, tt.value, got, tt.want)
		}
	}
}

// TestDialectPlaceholders checks the parameter markers of the store's
// queries.
func TestDialectPlaceholders(t *testing.T) {
	for db, want := range map[string]string{"sqlite": "? ?", "postgres": "$1 $2", "mysql": "? ?"} {
		d := dialects[db]
		if got := strings.Join([]string{d.placeholder(1), d.placeholder(2)}, " "); got != want {
			t.Errorf("%s: placeholders %q, want %q", db, got, want)
		}
	}
}
