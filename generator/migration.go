package generator

import (
	"github.com/authgen/authgen/spec"

	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// A schemaChange is one step of a migration: the change of one column,
// its index, or a table.
type schemaChange struct {
	// slug names the change in the migration's file name, such as
	// add_first_name.
	slug string
	// up and down are the statements that make and undo the change.
	up, down []string
}

// diffSchema returns the changes that bring a database at schema old to
// the spec s, in order, or an error naming the change it refuses and how
// to proceed. A table that has had a migration may hold rows: every rule
// here keeps them.
func diffSchema(old Schema, s spec.Spec) ([]schemaChange, error) {
	db := s.Database
	if old.Database != db {
		return nil, fmt.Errorf("database: authgen.lock's migrations are for %s, authgen.yaml says %s; a project cannot move to another database by regenerating: start a new module and copy the data", old.Database, db)
	}
	oldFields := map[string]spec.Field{}
	for _, f := range old.Fields {
		oldFields[f.Name] = f
	}
	var changes []schemaChange
	kept := map[string]bool{}
	var problems []string
	for _, f := range s.Fields {
		prev, ok := oldFields[f.Name]
		switch {
		case ok:
			kept[f.Name] = true
		case f.RenamedFrom != "" && !slices.ContainsFunc(s.Fields, func(g spec.Field) bool { return g.Name == f.RenamedFrom }):
			prev, ok = oldFields[f.RenamedFrom]
			if !ok {
				problems = append(problems, fmt.Sprintf("field %q: renamed_from %q names no field of authgen.lock's schema; remove renamed_from once the rename is generated", f.Name, f.RenamedFrom))
				continue
			}
			kept[f.RenamedFrom] = true
			changes = append(changes, renameColumn(prev, f.Name, db))
			prev.Name = f.Name
		}
		if !ok {
			if f.Required && f.Default == nil {
				problems = append(problems, fmt.Sprintf("field %q is required and has no default, but the users table may already hold rows, which would have no value: give it a default (default: in authgen.yaml, --default for `authgen field add`), or make it optional", f.Name))
				continue
			}
			changes = append(changes, addColumn(f, db)...)
			continue
		}
		altered, err := alterColumn(prev, f, db)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		changes = append(changes, altered...)
	}
	for _, f := range old.Fields {
		if kept[f.Name] {
			continue
		}
		if !slices.Contains(s.DroppedFields, f.Name) {
			problems = append(problems, fmt.Sprintf("field %q is in authgen.lock's schema but no longer in user.fields: to drop its column and its data, list it in user.dropped_fields (`authgen field remove %s` does both); to keep it, put it back; to rename it, give the new field renamed_from: %s", f.Name, f.Name, f.Name))
			continue
		}
		changes = append(changes, dropColumn(f, db)...)
	}
	if s.UsesStrategy("database") && !old.AccessTokens {
		changes = append(changes, schemaChange{
			slug: "add_access_tokens",
			up:   []string{accessTokensDDL[db]},
			down: []string{"DROP TABLE access_tokens;"},
		})
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("authgen.yaml asks for schema changes that could lose data:\n  %s", strings.Join(problems, "\n  "))
	}
	return changes, nil
}

// addColumn adds f's column and its index. Existing rows take the
// default, or null.
func addColumn(f spec.Field, db string) []schemaChange {
	c := schemaChange{
		slug: "add_" + f.Name,
		up:   []string{fmt.Sprintf("ALTER TABLE users ADD COLUMN %s %s;", f.Name, columnDef(f, db))},
		down: []string{fmt.Sprintf("ALTER TABLE users DROP COLUMN %s;", f.Name)},
	}
	if idx := indexDDL(f); idx != "" {
		c.up = append(c.up, idx)
		c.down = append([]string{dropIndex(f, db)}, c.down...)
	}
	return []schemaChange{c}
}

// dropColumn drops f's index and column, with its data. Down brings the
// column back empty.
func dropColumn(f spec.Field, db string) []schemaChange {
	c := schemaChange{
		slug: "drop_" + f.Name,
		up:   []string{fmt.Sprintf("ALTER TABLE users DROP COLUMN %s;", f.Name)},
	}
	restored := f
	restored.Required = restored.Required && f.Default != nil
	c.down = []string{fmt.Sprintf("ALTER TABLE users ADD COLUMN %s %s;", f.Name, columnDef(restored, db))}
	if indexDDL(f) != "" {
		c.up = append([]string{dropIndex(f, db)}, c.up...)
		c.down = append(c.down, indexDDL(f))
	}
	return []schemaChange{c}
}

// renameColumn renames f's column, and its index, to name.
func renameColumn(f spec.Field, name, db string) schemaChange {
	c := schemaChange{
		slug: "rename_" + f.Name + "_to_" + name,
		up:   []string{fmt.Sprintf("ALTER TABLE users RENAME COLUMN %s TO %s;", f.Name, name)},
		down: []string{fmt.Sprintf("ALTER TABLE users RENAME COLUMN %s TO %s;", name, f.Name)},
	}
	if indexDDL(f) != "" {
		renamed := f
		renamed.Name = name
		c.up = append(c.up, dropIndex(f, db), indexDDL(renamed))
		// Down drops the new index, renames the column back, then indexes it.
		c.down = append([]string{dropIndex(renamed, db)}, append(c.down, indexDDL(f))...)
	}
	return c
}

// dropIndex returns the statement that drops f's index.
func dropIndex(f spec.Field, db string) string {
	if db == "mysql" {
		return fmt.Sprintf("DROP INDEX %s ON users;", indexName(f))
	}
	return fmt.Sprintf("DROP INDEX %s;", indexName(f))
}

// alterColumn returns the changes that turn the column of prev into that
// of f, or an error for a change that could lose data and that the spec
// does not ask for explicitly.
//
// An enum that loses values needs no migration: rows keep the values they
// hold, and the service answers them as they are.
func alterColumn(prev, f spec.Field, db string) ([]schemaChange, error) {
	allowed := f.ChangeType
	prev, f = prev.Schema(), f.Schema()
	var changes []schemaChange
	retyped := prev.Type != f.Type || sqlType(prev, db) != sqlType(f, db)
	explicit := prev.Type != f.Type || (f.Type == "string" && f.StringMaxLength() < prev.StringMaxLength())
	if explicit && !allowed {
		what := fmt.Sprintf("changes type from %s to %s", prev.Type, f.Type)
		if prev.Type == f.Type {
			what = fmt.Sprintf("shortens max_length from %d to %d", prev.StringMaxLength(), f.StringMaxLength())
		}
		return nil, fmt.Errorf("field %q %s, which fails or loses data for values that do not convert: to convert the column anyway, add change_type: true to the field; else put it back, or add a new field", f.Name, what)
	}
	if explicit && prev.Type != f.Type && !converts(prev.Type, f.Type, db) {
		return nil, fmt.Errorf("field %q changes type from %s to %s, which %s cannot do without changing or keeping values that do not convert: add a new field, copy the values that convert, then drop the old one", f.Name, prev.Type, f.Type, databaseNames[db])
	}
	if f.Required && !prev.Required && f.Default == nil {
		return nil, fmt.Errorf("field %q becomes required, but rows may hold null in it: give it a default, which they take, or keep it optional", f.Name)
	}
	columnChanged := retyped || prev.Required != f.Required || !spec.SameDefault(prev.Default, f.Default)
	if db == "sqlite" && !retyped && prev.Required == f.Required {
		// SQLite cannot change a column's default in place, and the
		// service writes every value itself: the column keeps its old
		// default rather than being rebuilt.
		columnChanged = false
	}
	// Indexes go before the column changes and come back after them; on
	// SQLite, whose column is rebuilt, for any change of the column.
	indexChanged := indexDDL(prev) != indexDDL(f) || retyped || (db == "sqlite" && columnChanged)
	if indexChanged && indexDDL(prev) != "" {
		changes = append(changes, schemaChange{slug: "unindex_" + f.Name, up: []string{dropIndex(prev, db)}, down: []string{indexDDL(prev)}})
	}
	if columnChanged {
		if c, ok := modifyColumn(prev, f, db); ok {
			changes = append(changes, c)
		}
	}
	if indexChanged && indexDDL(f) != "" {
		changes = append(changes, schemaChange{slug: "index_" + f.Name, up: []string{indexDDL(f)}, down: []string{dropIndex(f, db)}})
	}
	return changes, nil
}

// modifyColumn returns the change of a column's type, nullability or
// default from prev's to f's, and false when the database's column does
// not change (a string's length on SQLite).
func modifyColumn(prev, f spec.Field, db string) (schemaChange, bool) {
	c := schemaChange{slug: "alter_" + f.Name}
	required := f.Required && !prev.Required
	switch db {
	case "postgres":
		c.up = postgresAlter(prev, f, required)
		c.down = postgresAlter(f, prev, false)
	case "mysql":
		modify := func(field spec.Field) string {
			return fmt.Sprintf("ALTER TABLE users MODIFY COLUMN %s %s;", field.Name, columnDef(field, db))
		}
		if required {
			// The nulls take the default once the column has its new
			// type, and only then is it NOT NULL.
			nullable := f
			nullable.Required, nullable.Default = false, nil
			c.up = append(c.up, modify(nullable), backfillSQL(f, db))
		}
		c.up = append(c.up, modify(f))
		c.down = []string{modify(prev)}
	default:
		if columnDef(prev, db) == columnDef(f, db) {
			return c, false
		}
		c.up = sqliteRebuildColumn(prev, f)
		c.down = sqliteRebuildColumn(f, prev)
	}
	return c, true
}

// backfillSQL returns the statement that gives f's nulls its default.
func backfillSQL(f spec.Field, db string) string {
	return fmt.Sprintf("UPDATE users SET %s = %s WHERE %s IS NULL;", f.Name, sqlLiteral(f, *f.Default, db), f.Name)
}

// postgresAlter returns the statements that turn prev's column into f's
// on PostgreSQL; with backfill, its nulls take f's default before it
// becomes NOT NULL.
func postgresAlter(prev, f spec.Field, backfill bool) []string {
	var stmts []string
	alter := func(format string, args ...any) {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE users ALTER COLUMN %s ", f.Name)+fmt.Sprintf(format, args...)+";")
	}
	retyped := sqlType(f, "postgres") != sqlType(prev, "postgres")
	if retyped {
		if prev.Default != nil {
			// The old default would keep its old type.
			alter("DROP DEFAULT")
		}
		t := sqlType(f, "postgres")
		if textual[prev.Type] && textual[f.Type] {
			// Without USING, a value too long for the new length fails
			// the migration; a cast would cut it.
			alter("TYPE %s", t)
		} else {
			alter("TYPE %s USING %s::%s", t, f.Name, t)
		}
	}
	switch {
	case f.Default == nil && prev.Default != nil && !retyped:
		alter("DROP DEFAULT")
	case f.Default != nil && (retyped || !spec.SameDefault(prev.Default, f.Default)):
		alter("SET DEFAULT %s", sqlLiteral(f, *f.Default, "postgres"))
	}
	if backfill {
		stmts = append(stmts, backfillSQL(f, "postgres"))
	}
	switch {
	case f.Required && !prev.Required:
		alter("SET NOT NULL")
	case !f.Required && prev.Required:
		alter("DROP NOT NULL")
	}
	return stmts
}

// sqliteRebuildColumn replaces prev's column with one defined as f's,
// which SQLite cannot alter in place: a new column takes the values,
// converted, and the name. A required column without a default is added
// with one its values replace at once, as SQLite adds no NOT NULL column
// without.
func sqliteRebuildColumn(prev, f spec.Field) []string {
	tmp := f
	tmp.Name = f.Name + "_new"
	def := columnDef(tmp, "sqlite")
	if tmp.Required && tmp.Default == nil {
		def += " DEFAULT " + sqliteZero[f.Type]
	}
	value := prev.Name
	if prev.Type != f.Type {
		value = fmt.Sprintf("CAST(%s AS %s)", prev.Name, sqlType(f, "sqlite"))
	}
	if f.Required && f.Default != nil {
		value = fmt.Sprintf("COALESCE(%s, %s)", value, sqlLiteral(f, *f.Default, "sqlite"))
	}
	return []string{
		fmt.Sprintf("ALTER TABLE users ADD COLUMN %s %s;", tmp.Name, def),
		fmt.Sprintf("UPDATE users SET %s = %s;", tmp.Name, value),
		fmt.Sprintf("ALTER TABLE users DROP COLUMN %s;", prev.Name),
		fmt.Sprintf("ALTER TABLE users RENAME COLUMN %s TO %s;", tmp.Name, f.Name),
	}
}

// converts reports whether database db converts every value of a column
// of type from to type to, or fails the migration: a conversion that
// would change a value silently, or keep one the service cannot read, is
// refused. Anything becomes text; on SQLite, whose CAST turns text that is
// not a number into 0 and whose dates and booleans are numbers, only that
// and int to float. Elsewhere a float does not become an int (it would be
// rounded), nothing but a bool becomes a bool, and MySQL keeps any text in
// a uuid column.
func converts(from, to, db string) bool {
	switch {
	case to == "string" || to == "text":
		return true
	case db == "sqlite":
		return from == "int" && to == "float"
	case to == "bool", from == "float" && to == "int":
		return false
	case to == "uuid":
		return db == "postgres"
	}
	return true
}

// textual are the types stored as text.
var textual = map[string]bool{"string": true, "text": true, "enum": true}

// databaseNames are the names the messages give the databases.
var databaseNames = map[string]string{"sqlite": "SQLite", "postgres": "PostgreSQL", "mysql": "MySQL"}

// sqliteZero is the placeholder default of a required column SQLite adds
// while rebuilding it; the column's values replace it at once.
var sqliteZero = map[string]string{
	"string": "''", "text": "''", "enum": "''", "uuid": "''", "int": "0", "float": "0", "bool": "FALSE",
	"date": "'1970-01-01'", "datetime": "'1970-01-01 00:00:00+00:00'",
}

// migrationFile renders changes as migration number n: the goose file
// and its path under dir.
func migrationFile(dir string, n int, changes []schemaChange) File {
	var slugs []string
	for _, c := range changes {
		if !slices.Contains(slugs, c.slug) {
			slugs = append(slugs, c.slug)
		}
	}
	name := strings.Join(slugs, "_")
	if len(name) > 60 {
		name = "update_users"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- Migration %04d, written by authgen: %s.\n", n, strings.ReplaceAll(strings.Join(slugs, ", "), "_", " "))
	b.WriteString("-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.\n\n")
	b.WriteString("-- +goose Up\n")
	for _, c := range changes {
		for _, stmt := range c.up {
			b.WriteString(stmt + "\n")
		}
	}
	b.WriteString("\n-- +goose Down\n")
	for i := len(changes) - 1; i >= 0; i-- {
		for _, stmt := range changes[i].down {
			b.WriteString(stmt + "\n")
		}
	}
	return File{Path: path.Join(dir, "migrations", fmt.Sprintf("%04d_%s.sql", n, name)), Content: []byte(b.String()), Owner: Migration}
}

// nextMigration returns the number the next migration takes: one more
// than the highest the lock records.
func nextMigration(l *Lock) int {
	n := 0
	for p, f := range l.Files {
		if f.Owner != Migration {
			continue
		}
		prefix, _, _ := strings.Cut(path.Base(p), "_")
		if k, err := strconv.Atoi(prefix); err == nil && k > n {
			n = k
		}
	}
	return n + 1
}
