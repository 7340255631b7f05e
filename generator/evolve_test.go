package generator

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite"

	"github.com/authgen/authgen/internal/testservers"
	"github.com/authgen/authgen/spec"
)

// evolveModule is the module path the evolution cases are generated for.
const evolveModule = "example.com/evolve"

// rowsPerStep is how many users each step inserts.
const rowsPerStep = 3

// evolveDatabase is one database the evolution cases run on.
type evolveDatabase struct {
	name    string
	dialect goose.Dialect
	// open makes a fresh, empty database of the test's own, dropped when
	// the test ends.
	open func(t *testing.T) *sql.DB
	// schema describes the tables of db (goose's own aside), one sorted
	// line per column, index, table or constraint.
	schema func(t *testing.T, db *sql.DB) []string
}

var evolveDatabases = []evolveDatabase{
	{name: "sqlite", dialect: goose.DialectSQLite3, open: openEvolveSQLite, schema: sqliteSchema},
	{name: "postgres", dialect: goose.DialectPostgres, open: openEvolvePostgres, schema: postgresSchema},
	{name: "mysql", dialect: goose.DialectMySQL, open: openEvolveMySQL, schema: mysqlSchema},
}

// evolveStep is one testdata/evolve/<case>/<step>/authgen.yaml.
type evolveStep struct {
	name string // the step directory, such as 01
	sp   spec.Spec
	// beforeUserSessions is set by a file before-user-sessions in the
	// step directory: the step is generated as by an authgen that
	// predates the user_sessions and rate_limits tables, whose 0001_init
	// and lock lack them, so that the next step adds them to a database
	// that holds users.
	beforeUserSessions bool
}

// beforeUserSessionsMarker names the file that sets
// evolveStep.beforeUserSessions.
const beforeUserSessionsMarker = "before-user-sessions"

// evolveCases returns the steps of every testdata/evolve/<case>, by case
// name, each case's steps in order.
func evolveCases(t *testing.T) map[string][]evolveStep {
	t.Helper()
	root := filepath.Join("..", "testdata", "evolve")
	dirs, err := os.ReadDir(root)
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no evolution case under %s (err %v)", root, err)
	}
	cases := map[string][]evolveStep{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		stepDirs, err := os.ReadDir(filepath.Join(root, d.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var steps []evolveStep
		for _, s := range stepDirs {
			if !s.IsDir() {
				continue
			}
			file := filepath.Join(root, d.Name(), s.Name(), spec.FileName)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("evolution case %s: %v", d.Name(), err)
			}
			sp, err := spec.Parse(file, data)
			if err != nil {
				t.Fatalf("parsing %s: %v", file, err)
			}
			_, err = os.Stat(filepath.Join(root, d.Name(), s.Name(), beforeUserSessionsMarker))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			steps = append(steps, evolveStep{name: s.Name(), sp: sp, beforeUserSessions: err == nil})
		}
		// os.ReadDir sorts by name: 01, 02, ... are in order.
		if len(steps) < 2 {
			t.Fatalf("evolution case %s has %d steps; it needs at least two", d.Name(), len(steps))
		}
		cases[d.Name()] = steps
	}
	return cases
}

// TestEvolve walks every evolution case on every database: each step's
// spec is generated with the lock of the step before, its new migration
// is compared with golden/evolve/<case>/<step>/<db>/ and applied to the
// same database, which holds the rows every step inserted. Rows must
// survive, renamed and converted columns must keep their values, every
// migration must go down and up again, and the database at the end must
// have the schema of a fresh install of the last spec.
//
// SQLite always runs; PostgreSQL and MySQL need the servers of
// scripts/services.
func TestEvolve(t *testing.T) {
	cases := evolveCases(t)
	checkStaleEvolveGolden(t, cases)
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			for _, db := range evolveDatabases {
				t.Run(db.name, func(t *testing.T) {
					t.Parallel()
					runEvolution(t, name, steps, db)
				})
			}
		})
	}
}

// checkStaleEvolveGolden reports, or under -update removes, the
// directories of golden/evolve that no case or step of testdata/evolve
// makes.
func checkStaleEvolveGolden(t *testing.T, cases map[string][]evolveStep) {
	t.Helper()
	root := filepath.Join("..", "golden", "evolve")
	dirs, err := filepath.Glob(filepath.Join(root, "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		name, step := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		if slices.ContainsFunc(cases[name], func(s evolveStep) bool { return s.name == step }) {
			continue
		}
		if *update {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is no step of testdata/evolve; remove it (or run with -update)", dir)
	}
}

// evolution is the state of one case's walk on one database.
type evolution struct {
	t    *testing.T
	ctx  context.Context
	name string // the case
	d    evolveDatabase
	db   *sql.DB
	// dialect writes the SQL of d's database.
	dialect dialect
	// migrations holds every migration so far, by file name.
	migrations fstest.MapFS
	// ids are the ids of the rows inserted so far.
	ids []string
	// columns are the custom columns, by current field name.
	columns map[string]*column
}

func runEvolution(t *testing.T, name string, steps []evolveStep, d evolveDatabase) {
	dl, err := dialectOf(d.name)
	if err != nil {
		t.Fatal(err)
	}
	e := &evolution{t: t, ctx: t.Context(), name: name, d: d, db: d.open(t), dialect: dl,
		migrations: fstest.MapFS{}, columns: map[string]*column{}}
	var lock *Lock
	var last spec.Spec
	for i, step := range steps {
		sp := step.sp
		sp.Database = d.name
		plan, err := Generate(Input{Spec: specFile(t, sp), Module: evolveModule, Lock: lock, Version: "test"})
		if err != nil {
			t.Fatalf("step %s: Generate: %v", step.name, err)
		}
		if step.beforeUserSessions {
			plan = withoutUserSessions(t, plan, dl)
		}
		files := migrationsOf(plan)
		if i == 0 && (len(files) != 1 || path.Base(files[0].Path) != "0001_init.sql") {
			t.Fatalf("step %s: the first generation wrote migrations %v, want 0001_init.sql alone", step.name, filePaths(files))
		}
		if i > 0 && len(files) > 1 {
			t.Errorf("step %s: Generate wrote %d migrations %v; a regeneration adds one at most", step.name, len(files), filePaths(files))
		}
		for _, f := range files {
			base := path.Base(f.Path)
			if _, ok := e.migrations[base]; ok {
				t.Fatalf("step %s: Generate rewrote past migration %s", step.name, base)
			}
			e.migrations[base] = &fstest.MapFile{Data: f.Content}
		}
		checkEvolveGolden(t, filepath.Join("..", "golden", "evolve", name, step.name, d.name), files)

		e.migrate(step.name, "up")
		e.track(sp)
		e.checkRows("step "+step.name, sp)
		if i > 0 && len(files) > 0 {
			// Down, then up again, the migration this step added.
			e.roundTrip(step.name, files[len(files)-1])
			e.checkRows("step "+step.name+" (after down and up)", sp)
		}
		e.insert(sp, i*rowsPerStep)

		// The same spec against the new lock has nothing more to migrate,
		// but for the table an older authgen did not create.
		again, err := Generate(Input{Spec: specFile(t, sp), Module: evolveModule, Lock: &plan.Lock, Version: "test"})
		switch {
		case step.beforeUserSessions:
		case err != nil:
			t.Errorf("step %s: regenerating the same spec: %v", step.name, err)
		case len(migrationsOf(again)) > 0:
			t.Errorf("step %s: regenerating the same spec wrote migrations %v", step.name, filePaths(migrationsOf(again)))
		}
		lock, last = &plan.Lock, sp
	}
	e.checkRows("the end", last)
	fresh := e.freshInstall(last)
	e.compareSchema("the evolved database", fresh)

	// Every down migration, in turn, to an empty database; then every up
	// migration again, which must also make the fresh install's schema.
	if _, err := e.provider().DownTo(e.ctx, 0); err != nil {
		t.Fatalf("migrating down to version 0 on %s: %v\n%s", d.name, err, e.failingMigration(err))
	}
	if left := d.schema(t, e.db); len(left) > 0 {
		t.Errorf("on %s, the down migrations left:\n  %s", d.name, strings.Join(left, "\n  "))
	}
	e.migrate("end", "up again from version 0")
	e.compareSchema("the database migrated down to 0 and up again", fresh)
}

// withoutUserSessions returns plan as an authgen that predates the
// user_sessions table wrote it: its first migration and its lock lack
// the table, and rate_limits, which came later still.
func withoutUserSessions(t *testing.T, plan Plan, d dialect) Plan {
	t.Helper()
	out := plan
	out.Files = slices.Clone(plan.Files)
	out.Lock.Files = maps.Clone(plan.Lock.Files)
	schema := *plan.Lock.Schema
	out.Lock.Schema = &schema
	for _, table := range serviceTables {
		recorded := table.recorded(&schema)
		if (table.name != "user_sessions" && table.name != "rate_limits") || !*recorded {
			continue
		}
		*recorded = false
		create, drop := "\n\n"+table.ddl(d), "DROP TABLE "+table.name+";\n"
		for i, f := range out.Files {
			if f.Owner != Migration {
				continue
			}
			content := string(out.Files[i].Content)
			if !strings.Contains(content, create) || !strings.Contains(content, drop) {
				t.Fatalf("%s does not create and drop %s as expected:\n%s", f.Path, table.name, content)
			}
			out.Files[i].Content = []byte(strings.Replace(strings.Replace(content, create, "", 1), drop, "", 1))
			out.Lock.Files[f.Path] = LockedFile{Owner: f.Owner, SHA256: Hash(out.Files[i].Content)}
		}
	}
	return out
}

// migrationsOf returns the migration files of plan, sorted by path.
func migrationsOf(plan Plan) []File {
	var files []File
	for _, f := range plan.Files {
		if f.Owner == Migration {
			files = append(files, f)
		}
	}
	return files
}

func filePaths(files []File) []string {
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	return paths
}

// checkEvolveGolden compares a step's new migrations with dir, which must
// hold exactly them, after rewriting dir under -update.
func checkEvolveGolden(t *testing.T, dir string, files []File) {
	t.Helper()
	want := map[string][]byte{}
	for _, f := range files {
		want[path.Base(f.Path)] = f.Content
	}
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if len(want) > 0 {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, data := range want {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := walkTree(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("reading %s: %v", dir, err)
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		switch have, ok := got[name]; {
		case !ok:
			t.Errorf("%s/%s is missing (run `go test ./generator -run TestEvolve -update` to write it)", dir, name)
		case !bytes.Equal(have, want[name]):
			t.Errorf("%s/%s differs from the migration authgen generates:\n%s", dir, name, firstDifference(have, want[name]))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			t.Errorf("%s/%s is not a migration of this step; remove it (or run with -update)", dir, name)
		}
	}
}

// provider returns a goose provider over the migrations so far, as the
// generated service makes one.
func (e *evolution) provider() *goose.Provider {
	e.t.Helper()
	p, err := goose.NewProvider(e.d.dialect, e.db, e.migrations, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		e.t.Fatalf("goose.NewProvider: %v", err)
	}
	return p
}

// migrate applies the pending migrations, failing with the failing
// migration's content.
func (e *evolution) migrate(step, what string) {
	e.t.Helper()
	if _, err := e.provider().Up(e.ctx); err != nil {
		e.t.Fatalf("step %s: migrating %s on %s: %v\n%s", step, what, e.d.name, err, e.failingMigration(err))
	}
}

// roundTrip runs the down migration of f, the last one, checking that
// goose undid f, and applies f again.
func (e *evolution) roundTrip(step string, f File) {
	e.t.Helper()
	p := e.provider()
	res, err := p.Down(e.ctx)
	if err != nil {
		e.t.Fatalf("step %s: down migration of %s on %s: %v\n%s", step, path.Base(f.Path), e.d.name, err, e.failingMigration(err))
	}
	if res.Source == nil || path.Base(res.Source.Path) != path.Base(f.Path) {
		e.t.Fatalf("step %s: Down undid %v, want %s", step, res.Source, path.Base(f.Path))
	}
	e.migrate(step, "up again after down")
}

// failingMigration returns the content of the migration err names, for
// the failure message.
func (e *evolution) failingMigration(err error) string {
	var partial *goose.PartialError
	if errors.As(err, &partial) && partial.Failed != nil && partial.Failed.Source != nil {
		name := path.Base(partial.Failed.Source.Path)
		if f, ok := e.migrations[name]; ok {
			return "--- " + name + ":\n" + string(f.Data)
		}
	}
	return ""
}

// column is what the walk knows of one custom column.
type column struct {
	// given holds, by row id, the value the row was given.
	given map[string]givenValue
	// defaulted are the versions of the field that had a default: rows
	// inserted before the column existed, or given no value, hold one.
	defaulted []spec.Field
	// renamedFrom and renamedRows are the old name of a renamed column,
	// and how many rows were given a value under it.
	renamedFrom string
	renamedRows int
}

// givenValue is the canonical text a row was given for a field.
type givenValue struct {
	field spec.Field
	text  string
}

// literal returns the SQL literal of a value given as g for the column
// now defined as f: the same text when f takes it, so that a converted
// column is expected to hold the value it held, else the literal it was
// given, which a conversion that changed the value no longer matches;
// in the SQL of d.
func literal(f spec.Field, g givenValue, d dialect) string {
	if _, err := spec.CanonicalValue(f, g.text); err == nil {
		return d.literal(f, g.text)
	}
	return d.literal(g.field, g.text)
}

// track follows the fields of spec, whose migration has just run:
// renamed fields carry their values, dropped ones lose them.
func (e *evolution) track(sp spec.Spec) {
	next := map[string]*column{}
	for _, f := range sp.Fields {
		c := e.columns[f.Name]
		if c == nil && f.RenamedFrom != "" && e.columns[f.RenamedFrom] != nil {
			c = e.columns[f.RenamedFrom]
			c.renamedFrom, c.renamedRows = f.RenamedFrom, len(c.given)
		}
		if c == nil {
			c = &column{given: map[string]givenValue{}}
		}
		if f.Default != nil {
			c.defaulted = append(c.defaulted, f)
		}
		next[f.Name] = c
	}
	e.columns = next
}

// checkRows checks that every row inserted so far is there, that each
// field holds the value each row was given (under its current or its old
// name), and that no other row holds a value but a default.
func (e *evolution) checkRows(when string, sp spec.Spec) {
	e.t.Helper()
	t := e.t
	if missing, extra := compareSets(e.strings("SELECT id FROM users"), e.ids); len(missing) > 0 || len(extra) > 0 {
		t.Errorf("%s on %s: users lacks the inserted rows %v and holds the unknown rows %v", when, e.d.name, missing, extra)
	}
	for _, f := range sp.Fields {
		c := e.columns[f.Name]
		what := "column " + f.Name
		if c.renamedFrom != "" {
			what = fmt.Sprintf("renamed column %s (%d rows were given a value as %s)", f.Name, c.renamedRows, c.renamedFrom)
		}
		var defaults []string
		for _, d := range c.defaulted {
			defaults = append(defaults, literal(f, givenValue{field: d, text: *d.Default}, e.dialect))
		}
		byLiteral := map[string][]string{}
		for id, g := range c.given {
			lit := literal(f, g, e.dialect)
			byLiteral[lit] = append(byLiteral[lit], id)
		}
		for _, lit := range slices.Sorted(maps.Keys(byLiteral)) {
			got := e.strings(fmt.Sprintf("SELECT id FROM users WHERE %s = %s", f.Name, lit))
			missing, extra := compareSets(got, byLiteral[lit])
			// Rows given no value may hold it as a default.
			extra = slices.DeleteFunc(extra, func(id string) bool {
				_, given := c.given[id]
				return !given && slices.Contains(defaults, lit)
			})
			if len(missing) > 0 || len(extra) > 0 {
				t.Errorf("%s on %s: of the %d rows given %s = %s, %d no longer hold it %v, and %d other rows do %v",
					when, e.d.name, len(byLiteral[lit]), what, lit, len(missing), missing, len(extra), extra)
			}
		}
		// The rows given no value hold null or a default.
		query := fmt.Sprintf("SELECT id FROM users WHERE %s IS NOT NULL", f.Name)
		if len(defaults) > 0 {
			query += fmt.Sprintf(" AND %s NOT IN (%s)", f.Name, strings.Join(defaults, ", "))
		}
		var unexpected []string
		for _, id := range e.strings(query) {
			if _, given := c.given[id]; !given {
				unexpected = append(unexpected, id)
			}
		}
		if len(unexpected) > 0 {
			t.Errorf("%s on %s: %d rows given no value for %s hold neither null nor a default (%s): %v",
				when, e.d.name, len(unexpected), what, strings.Join(defaults, ", "), unexpected)
		}
	}
}

// compareSets returns the elements of want that got lacks, and those of
// got that want lacks.
func compareSets(got, want []string) (missing, extra []string) {
	return setDifference(want, got), setDifference(got, want)
}

// insert adds rowsPerStep users, numbered from n, giving every custom
// field of spec a value.
func (e *evolution) insert(sp spec.Spec, n int) {
	e.t.Helper()
	for i := n; i < n+rowsPerStep; i++ {
		id := uuid.NewString()
		email := fmt.Sprintf("knight%d@camelot.test", i)
		cols := []string{"id", "email", "normalized_email", "hashed_password", "is_active", "is_superuser", "is_verified"}
		vals := []string{"'" + id + "'", "'" + email + "'", "'" + email + "'", "'not-a-hash'", "TRUE", "FALSE", "FALSE"}
		for _, f := range sp.Fields {
			text := sampleText(f, i)
			cols = append(cols, f.Name)
			vals = append(vals, e.dialect.literal(f, text))
			e.columns[f.Name].given[id] = givenValue{field: f, text: text}
		}
		stmt := fmt.Sprintf("INSERT INTO users (%s) VALUES (%s)", strings.Join(cols, ", "), strings.Join(vals, ", "))
		if _, err := e.db.ExecContext(e.ctx, stmt); err != nil {
			e.t.Fatalf("inserting a user on %s: %v\n%s", e.d.name, err, stmt)
		}
		e.ids = append(e.ids, id)
	}
}

// samples are two canonical values of each type, as the generated tests
// use.
var samples = map[string][2]string{
	"string":   {"Arthur", "Lancelot"},
	"text":     {"Once and future king.", "Knight of the Round Table."},
	"int":      {"42", "7"},
	"float":    {"1.5", "2.25"},
	"bool":     {"true", "false"},
	"date":     {"1990-05-17", "2001-12-31"},
	"datetime": {"2024-01-31T10:00:00Z", "2025-06-01T08:30:00.5Z"},
	"uuid":     {"3b241101-e2bb-4255-8caf-4136c566a962", "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
}

// sampleText returns the canonical text of a value of f for row n: one
// of its own for a unique field, else the same for every row, and not
// f's default, so that a row that kept its value is told from one that
// took the default.
func sampleText(f spec.Field, n int) string {
	if f.Unique {
		switch f.Type {
		case "int":
			return strconv.Itoa(1000 + n)
		case "uuid":
			return uuid.NewSHA1(uuid.NameSpaceURL, []byte(strconv.Itoa(n))).String()
		default:
			s := fmt.Sprintf("k%07d", n)
			return s[max(0, len(s)-f.StringMaxLength()):]
		}
	}
	pair := samples[f.Type]
	candidates := pair[:]
	if f.Type == "enum" {
		// The last value first: the first is the usual default.
		candidates = []string{f.Values[len(f.Values)-1], f.Values[0]}
	}
	for _, c := range candidates {
		if f.Type == "string" {
			c = c[:min(len(c), f.StringMaxLength())]
		}
		if f.Default == nil || c != *f.Schema().Default {
			return c
		}
	}
	return candidates[1]
}

// strings runs a query of one text column and returns its values.
func (e *evolution) strings(query string) []string {
	e.t.Helper()
	lines, err := queryLines(e.ctx, e.db, "", query)
	if err != nil {
		e.t.Fatalf("on %s: %v", e.d.name, err)
	}
	return lines
}

// freshInstall migrates a new database with the first migration of spec
// alone and returns its schema.
func (e *evolution) freshInstall(sp spec.Spec) []string {
	t := e.t
	t.Helper()
	plan, err := Generate(Input{Spec: specFile(t, sp), Module: evolveModule, Version: "test"})
	if err != nil {
		t.Fatalf("generating the last spec without a lock: %v", err)
	}
	fresh := &evolution{t: t, ctx: e.ctx, name: e.name, d: e.d, db: e.d.open(t), migrations: fstest.MapFS{}}
	for _, f := range migrationsOf(plan) {
		fresh.migrations[path.Base(f.Path)] = &fstest.MapFile{Data: f.Content}
	}
	fresh.migrate("fresh install", "the last spec")
	schema := e.d.schema(t, fresh.db)
	if !slices.ContainsFunc(schema, func(l string) bool { return strings.HasPrefix(l, "column users | hashed_password |") }) {
		t.Fatalf("on %s, the schema description lacks users.hashed_password; the introspection queries are broken:\n  %s", e.d.name, strings.Join(schema, "\n  "))
	}
	return schema
}

// compareSchema compares the schema of e's database, described as what,
// with that of a fresh install.
func (e *evolution) compareSchema(what string, fresh []string) {
	e.t.Helper()
	have := e.d.schema(e.t, e.db)
	onlyHave, onlyFresh := setDifference(have, fresh), setDifference(fresh, have)
	if len(onlyHave) > 0 || len(onlyFresh) > 0 {
		e.t.Errorf("on %s, the schema of %s differs from a fresh install of the last spec:\n  only in %s:\n    %s\n  only in the fresh install:\n    %s",
			e.d.name, what, what, strings.Join(onlyHave, "\n    "), strings.Join(onlyFresh, "\n    "))
	}
}

// setDifference returns the lines of a that b lacks.
func setDifference(a, b []string) []string {
	var out []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	return out
}

// queryLines runs query and returns each row as one line, its columns
// separated by " | " (NULL for null), each prefixed with label.
func queryLines(ctx context.Context, db *sql.DB, label, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("%s: %w", query, err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = "NULL"
			if v.Valid {
				parts[i] = v.String
			}
		}
		lines = append(lines, label+strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", query, err)
	}
	return lines, nil
}

// describe runs the labelled queries and returns their lines, sorted.
func describe(t *testing.T, db *sql.DB, queries [][2]string, args ...any) []string {
	t.Helper()
	var lines []string
	for _, q := range queries {
		l, err := queryLines(t.Context(), db, q[0]+" ", q[1], args...)
		if err != nil {
			t.Fatalf("describing the schema: %v", err)
		}
		lines = append(lines, l...)
	}
	slices.Sort(lines)
	return lines
}

// sqliteSchema describes the tables, their columns (PRAGMA table_info) and
// their indexes (PRAGMA index_list, index_info).
func sqliteSchema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	const tables = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`
	return describe(t, db, [][2]string{
		{"table", tables},
		{"column", `SELECT t.name, c.name, c.type, c."notnull", c.dflt_value, c.pk FROM (` + tables + `) AS t, pragma_table_info(t.name) AS c`},
		{"index", `SELECT t.name, i.name, i."unique", i.origin, i.partial,
			(SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno))
			FROM (` + tables + `) AS t, pragma_index_list(t.name) AS i`},
		{"foreign key", `SELECT t.name, f."table", f."from", f."to", f.on_delete FROM (` + tables + `) AS t, pragma_foreign_key_list(t.name) AS f`},
	})
}

// postgresSchema describes the tables of the current schema, their
// columns (information_schema.columns), indexes (pg_indexes, without the
// schema name) and constraints.
func postgresSchema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return describe(t, db, [][2]string{
		{"table", `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`},
		{"column", `SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default, collation_name
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`},
		{"index", `SELECT tablename, indexname, replace(indexdef, current_schema() || '.', '')
			FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'`},
		{"constraint", `SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
			FROM pg_constraint c WHERE c.connamespace = current_schema()::regnamespace AND c.conrelid::regclass::text <> 'goose_db_version'`},
	})
}

// mysqlSchema describes the tables of the current database, their columns
// (information_schema.columns), indexes (information_schema.statistics)
// and foreign keys.
func mysqlSchema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return describe(t, db, [][2]string{
		{"table", `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'goose_db_version'`},
		{"column", `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLLATION_NAME
			FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'goose_db_version'`},
		{"index", `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME
			FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'goose_db_version'`},
		{"foreign key", `SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE
			FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`},
	})
}

// pingOrFail checks that db answers, and closes it when t ends.
func pingOrFail(t *testing.T, db *sql.DB, what string) *sql.DB {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("connecting to %s: %v", what, err)
	}
	return db
}

// openEvolveSQLite opens a new SQLite file as the generated OpenDB does.
func openEvolveSQLite(t *testing.T) *sql.DB {
	t.Helper()
	file := filepath.Join(t.TempDir(), "auth.db")
	pragmas := url.Values{"_pragma": {"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(5000)"}}
	db, err := sql.Open("sqlite", "file:"+file+"?"+pragmas.Encode())
	if err != nil {
		t.Fatalf("opening %s: %v", file, err)
	}
	return pingOrFail(t, db, file)
}

// openPgx opens a PostgreSQL URL as the generated OpenDB does.
func openPgx(t *testing.T, databaseURL string) *sql.DB {
	t.Helper()
	config, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		t.Fatalf("parsing the PostgreSQL URL: %v", err)
	}
	return pingOrFail(t, stdlib.OpenDB(*config), "PostgreSQL")
}

// openEvolvePostgres opens a new database on the server of
// AUTH_TEST_POSTGRES_URL.
func openEvolvePostgres(t *testing.T) *sql.DB {
	t.Helper()
	return openPgx(t, testservers.NewDatabase(t, testservers.PostgresEnv))
}

// mysqlConfig returns the driver configuration of the generated OpenDB
// for the server of url u and database name ("" for none).
func mysqlConfig(u *url.URL, name string) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.DBName = name
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.InterpolateParams = true
	cfg.ClientFoundRows = true
	cfg.Params = map[string]string{
		"time_zone": "'+00:00'",
		"sql_mode":  "'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
	}
	return cfg
}

// openEvolveMySQL opens a new database on the server of
// AUTH_TEST_MYSQL_URL as the generated OpenDB does.
func openEvolveMySQL(t *testing.T) *sql.DB {
	t.Helper()
	u, err := url.Parse(testservers.NewDatabase(t, testservers.MySQLEnv))
	if err != nil {
		t.Fatalf("AUTH_TEST_MYSQL_URL: %v", err)
	}
	connector, err := mysql.NewConnector(mysqlConfig(u, strings.Trim(u.Path, "/")))
	if err != nil {
		t.Fatalf("AUTH_TEST_MYSQL_URL: %v", err)
	}
	return pingOrFail(t, sql.OpenDB(connector), "MySQL")
}

// TestMigrationRefusals generates a base spec, then a changed one with the
// base's lock: a change that could lose data must be refused with an
// error naming the field and the fix, and an allowed change must add one
// migration holding the expected statement.
func TestMigrationRefusals(t *testing.T) {
	base := func() spec.Spec {
		s := spec.DefaultSpec()
		s.Fields = []spec.Field{
			{Name: "nickname", Type: "string"},
			{Name: "bio", Type: "string", MaxLength: 100},
			{Name: "age", Type: "int"},
			{Name: "title", Type: "string"},
		}
		return s
	}
	fieldNamed := func(s *spec.Spec, name string) *spec.Field {
		i := slices.IndexFunc(s.Fields, func(f spec.Field) bool { return f.Name == name })
		if i < 0 {
			panic("no field " + name)
		}
		return &s.Fields[i]
	}
	without := func(s *spec.Spec, name string) {
		s.Fields = slices.DeleteFunc(s.Fields, func(f spec.Field) bool { return f.Name == name })
	}
	fr := "FR"
	tests := []struct {
		name   string
		change func(s *spec.Spec)
		// wantErr are the substrings of the refusal; nil for a change
		// that must succeed.
		wantErr []string
		// want are the substrings of the new migration, by database
		// ("*" for all); empty with no wantErr means no migration.
		want map[string][]string
	}{
		{
			name: "required field without default added",
			change: func(s *spec.Spec) {
				s.Fields = append(s.Fields, spec.Field{Name: "country", Type: "string", Required: true})
			},
			wantErr: []string{`"country"`, "give it a default", "or make it optional"},
		},
		{
			name:    "field removed without dropped_fields",
			change:  func(s *spec.Spec) { without(s, "age") },
			wantErr: []string{`"age"`, "list it in user.dropped_fields", "renamed_from: age"},
		},
		{
			name:    "type changed without change_type",
			change:  func(s *spec.Spec) { fieldNamed(s, "age").Type = "string" },
			wantErr: []string{`"age"`, "changes type from int to string", "add change_type: true"},
		},
		{
			name:    "max_length shortened without change_type",
			change:  func(s *spec.Spec) { fieldNamed(s, "bio").MaxLength = 50 },
			wantErr: []string{`"bio"`, "shortens max_length from 100 to 50", "add change_type: true"},
		},
		{
			name:    "optional made required without default",
			change:  func(s *spec.Spec) { fieldNamed(s, "title").Required = true },
			wantErr: []string{`"title"`, "becomes required", "give it a default"},
		},
		{
			name: "renamed_from names no field",
			change: func(s *spec.Spec) {
				s.Fields = append(s.Fields, spec.Field{Name: "given_name", Type: "string", RenamedFrom: "first_name"})
			},
			wantErr: []string{`"given_name"`, `renamed_from "first_name" names no field`},
		},
		{
			name: "database changed",
			change: func(s *spec.Spec) {
				s.Database = map[string]string{"sqlite": "postgres", "postgres": "mysql", "mysql": "sqlite"}[s.Database]
			},
			wantErr: []string{"database:", "cannot move to another database", "start a new module"},
		},
		{
			name:   "optional field added",
			change: func(s *spec.Spec) { s.Fields = append(s.Fields, spec.Field{Name: "city", Type: "string"}) },
			want: map[string][]string{
				"sqlite":   {"0002_add_city.sql", "ALTER TABLE users ADD COLUMN city TEXT;", "ALTER TABLE users DROP COLUMN city;"},
				"postgres": {"ALTER TABLE users ADD COLUMN city VARCHAR(255);"},
				"mysql":    {"ALTER TABLE users ADD COLUMN city VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"},
			},
		},
		{
			name: "required field with default added",
			change: func(s *spec.Spec) {
				s.Fields = append(s.Fields, spec.Field{Name: "country", Type: "string", Required: true, Default: &fr})
			},
			want: map[string][]string{"*": {"ALTER TABLE users ADD COLUMN country ", " NOT NULL DEFAULT 'FR';"}},
		},
		{
			name: "field dropped with dropped_fields",
			change: func(s *spec.Spec) {
				without(s, "age")
				s.DroppedFields = []string{"age"}
			},
			want: map[string][]string{
				"*":        {"0002_drop_age.sql", "ALTER TABLE users DROP COLUMN age;"},
				"sqlite":   {"ALTER TABLE users ADD COLUMN age INTEGER;"},
				"postgres": {"ALTER TABLE users ADD COLUMN age BIGINT;"},
				"mysql":    {"ALTER TABLE users ADD COLUMN age BIGINT;"},
			},
		},
		{
			name: "field renamed",
			change: func(s *spec.Spec) {
				f := fieldNamed(s, "nickname")
				f.Name, f.RenamedFrom = "handle_name", "nickname"
			},
			want: map[string][]string{"*": {"ALTER TABLE users RENAME COLUMN nickname TO handle_name;", "ALTER TABLE users RENAME COLUMN handle_name TO nickname;"}},
		},
		{
			name: "type changed with change_type",
			change: func(s *spec.Spec) {
				f := fieldNamed(s, "age")
				f.Type, f.ChangeType = "string", true
			},
			want: map[string][]string{
				"sqlite":   {"ALTER TABLE users ADD COLUMN age_new TEXT;", "UPDATE users SET age_new = CAST(age AS TEXT);", "ALTER TABLE users RENAME COLUMN age_new TO age;"},
				"postgres": {"ALTER TABLE users ALTER COLUMN age TYPE VARCHAR(255) USING age::VARCHAR(255);"},
				"mysql":    {"ALTER TABLE users MODIFY COLUMN age VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"},
			},
		},
		{
			name:   "unique added",
			change: func(s *spec.Spec) { fieldNamed(s, "nickname").Unique = true },
			want: map[string][]string{
				"*":      {"CREATE UNIQUE INDEX users_nickname_key ON users (nickname);"},
				"mysql":  {"DROP INDEX users_nickname_key ON users;"},
				"sqlite": {"DROP INDEX users_nickname_key;"},
			},
		},
		{
			name:   "same spec",
			change: func(*spec.Spec) {},
		},
	}
	for _, db := range spec.Databases {
		for _, tt := range tests {
			t.Run(db+"/"+tt.name, func(t *testing.T) {
				sp := base()
				sp.Database = db
				first, err := Generate(Input{Spec: specFile(t, sp), Module: evolveModule, Version: "test"})
				if err != nil {
					t.Fatalf("generating the base spec: %v", err)
				}
				tt.change(&sp)
				plan, err := Generate(Input{Spec: specFile(t, sp), Module: evolveModule, Lock: &first.Lock, Version: "test"})
				if tt.wantErr != nil {
					if err == nil {
						t.Fatalf("Generate succeeded with migrations %v; want an error mentioning %q", filePaths(migrationsOf(plan)), tt.wantErr)
					}
					for _, s := range tt.wantErr {
						if !strings.Contains(err.Error(), s) {
							t.Errorf("error %q does not mention %q", err, s)
						}
					}
					return
				}
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				migrations := migrationsOf(plan)
				want := append(slices.Clone(tt.want["*"]), tt.want[db]...)
				if len(want) == 0 {
					if len(migrations) > 0 {
						t.Errorf("Generate wrote migrations %v; want none", filePaths(migrations))
					}
					return
				}
				if len(migrations) != 1 || !strings.HasPrefix(path.Base(migrations[0].Path), "0002_") {
					t.Fatalf("Generate wrote migrations %v; want one, numbered 0002", filePaths(migrations))
				}
				content := path.Base(migrations[0].Path) + "\n" + string(migrations[0].Content)
				for _, s := range want {
					if !strings.Contains(content, s) {
						t.Errorf("migration %s lacks %q:\n%s", migrations[0].Path, s, content)
					}
				}
				if _, ok := plan.Lock.Files[migrations[0].Path]; !ok {
					t.Errorf("the lock does not record the new migration %s", migrations[0].Path)
				}
			})
		}
	}
}

// TestTypeConversions checks which type changes each database is trusted
// with: those that would change a value silently, or keep one the service
// cannot read, are refused (SQLite's CAST turns text that is not a number
// into 0; a float would be rounded to an int; MySQL keeps any text in a
// uuid column). It also checks that a change of default alone needs no
// migration on SQLite, as the service writes every value.
func TestTypeConversions(t *testing.T) {
	was, now := "a", "b"
	tests := []struct {
		name        string
		prev, next  spec.Field
		wantErr     map[string]bool
		wantChanges map[string]bool
	}{
		{
			name:        "text to int",
			prev:        spec.Field{Name: "code", Type: "string"},
			next:        spec.Field{Name: "code", Type: "int", ChangeType: true},
			wantErr:     map[string]bool{"sqlite": true},
			wantChanges: map[string]bool{"postgres": true, "mysql": true},
		},
		{
			name:        "int to float",
			prev:        spec.Field{Name: "code", Type: "int"},
			next:        spec.Field{Name: "code", Type: "float", ChangeType: true},
			wantChanges: map[string]bool{"sqlite": true, "postgres": true, "mysql": true},
		},
		{
			name:    "float to int",
			prev:    spec.Field{Name: "code", Type: "float"},
			next:    spec.Field{Name: "code", Type: "int", ChangeType: true},
			wantErr: map[string]bool{"sqlite": true, "postgres": true, "mysql": true},
		},
		{
			name:    "int to bool",
			prev:    spec.Field{Name: "code", Type: "int"},
			next:    spec.Field{Name: "code", Type: "bool", ChangeType: true},
			wantErr: map[string]bool{"sqlite": true, "postgres": true, "mysql": true},
		},
		{
			name:        "text to uuid",
			prev:        spec.Field{Name: "code", Type: "string"},
			next:        spec.Field{Name: "code", Type: "uuid", ChangeType: true},
			wantErr:     map[string]bool{"sqlite": true, "mysql": true},
			wantChanges: map[string]bool{"postgres": true},
		},
		{
			name:        "any to text",
			prev:        spec.Field{Name: "code", Type: "date"},
			next:        spec.Field{Name: "code", Type: "text", ChangeType: true},
			wantChanges: map[string]bool{"sqlite": true, "postgres": true, "mysql": true},
		},
		{
			name:        "default alone",
			prev:        spec.Field{Name: "code", Type: "string", Required: true, Default: &was},
			next:        spec.Field{Name: "code", Type: "string", Required: true, Default: &now},
			wantChanges: map[string]bool{"postgres": true, "mysql": true},
		},
	}
	for _, tt := range tests {
		for _, db := range spec.Databases {
			t.Run(tt.name+"/"+db, func(t *testing.T) {
				d, err := dialectOf(db)
				if err != nil {
					t.Fatal(err)
				}
				changes, err := alterColumn(tt.prev, tt.next, d)
				if (err != nil) != tt.wantErr[db] {
					t.Fatalf("alterColumn: err = %v, want an error: %v", err, tt.wantErr[db])
				}
				if got := len(changes) > 0; got != tt.wantChanges[db] {
					t.Errorf("alterColumn gave changes %v, want some: %v", changes, tt.wantChanges[db])
				}
			})
		}
	}
}

// TestPostgresShortensWithoutCast checks that a shorter string on
// PostgreSQL is converted without a cast, which would cut the values too
// long for it: PostgreSQL then fails the migration on them instead.
func TestPostgresShortensWithoutCast(t *testing.T) {
	changes, err := alterColumn(spec.Field{Name: "code", Type: "string", MaxLength: 100}, spec.Field{Name: "code", Type: "string", MaxLength: 50, ChangeType: true}, dialects["postgres"])
	if err != nil {
		t.Fatal(err)
	}
	var up []string
	for _, c := range changes {
		up = append(up, c.up...)
	}
	if want := []string{"ALTER TABLE users ALTER COLUMN code TYPE VARCHAR(50);"}; !slices.Equal(up, want) {
		t.Errorf("up = %q, want %q", up, want)
	}
}
