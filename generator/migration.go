package generator

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/authgen/authgen/spec"
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
// the spec s, in order, in the SQL of s's dialect d, or an error naming
// the change it refuses and how to proceed. A table that has had a
// migration may hold rows: every rule here keeps them.
func diffSchema(old Schema, s spec.Spec, d dialect) ([]schemaChange, error) {
	if old.Database != s.Database {
		return nil, fmt.Errorf("database: authgen.lock's migrations are for %s, authgen.yaml says %s; a project cannot move to another database by regenerating: start a new module and copy the data", old.Database, s.Database)
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
			changes = append(changes, renameColumn(prev, f.Name, d))
			prev.Name = f.Name
		}
		if !ok {
			if f.Required && f.Default == nil {
				problems = append(problems, fmt.Sprintf("field %q is required and has no default, but the users table may already hold rows, which would have no value: give it a default (default: in authgen.yaml, --default for `authgen field add`), or make it optional", f.Name))
				continue
			}
			changes = append(changes, addColumn(f, d)...)
			continue
		}
		altered, err := alterColumn(prev, f, d)
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
		changes = append(changes, dropColumn(f, d)...)
	}
	for _, t := range serviceTables {
		if t.needed(s) && !*t.recorded(&old) {
			changes = append(changes, schemaChange{
				slug: "add_" + t.name,
				up:   []string{t.ddl(d)},
				down: []string{d.dropTable(t.name)},
			})
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("authgen.yaml asks for schema changes that could lose data:\n  %s", strings.Join(problems, "\n  "))
	}
	return changes, nil
}

// addColumn adds f's column and its index. Existing rows take the
// default, or null.
func addColumn(f spec.Field, d dialect) []schemaChange {
	c := schemaChange{
		slug: "add_" + f.Name,
		up:   []string{d.addColumn(f)},
		down: []string{d.dropColumn(f.Name)},
	}
	if idx := d.createIndex(f); idx != "" {
		c.up = append(c.up, idx)
		c.down = append([]string{d.dropIndex(f)}, c.down...)
	}
	return []schemaChange{c}
}

// dropColumn drops f's index and column, with its data. Down brings the
// column back empty.
func dropColumn(f spec.Field, d dialect) []schemaChange {
	restored := f
	restored.Required = restored.Required && f.Default != nil
	c := schemaChange{
		slug: "drop_" + f.Name,
		up:   []string{d.dropColumn(f.Name)},
		down: []string{d.addColumn(restored)},
	}
	if idx := d.createIndex(f); idx != "" {
		c.up = append([]string{d.dropIndex(f)}, c.up...)
		c.down = append(c.down, idx)
	}
	return []schemaChange{c}
}

// renameColumn renames f's column, and its index, to name.
func renameColumn(f spec.Field, name string, d dialect) schemaChange {
	c := schemaChange{
		slug: "rename_" + f.Name + "_to_" + name,
		up:   []string{d.renameColumn(f.Name, name)},
		down: []string{d.renameColumn(name, f.Name)},
	}
	if idx := d.createIndex(f); idx != "" {
		renamed := f
		renamed.Name = name
		c.up = append(c.up, d.dropIndex(f), d.createIndex(renamed))
		// Down drops the new index, renames the column back, then indexes it.
		c.down = append([]string{d.dropIndex(renamed)}, append(c.down, idx)...)
	}
	return c
}

// alterColumn returns the changes that turn the column of prev into that
// of f, or an error for a change that could lose data and that the spec
// does not ask for explicitly.
//
// An enum that loses values needs no migration: rows keep the values they
// hold, and the service answers them as they are.
func alterColumn(prev, f spec.Field, d dialect) ([]schemaChange, error) {
	allowed := f.ChangeType
	prev, f = prev.Schema(), f.Schema()
	var changes []schemaChange
	retyped := prev.Type != f.Type || d.columnType(prev) != d.columnType(f)
	explicit := prev.Type != f.Type || (f.Type == "string" && f.StringMaxLength() < prev.StringMaxLength())
	if explicit && !allowed {
		what := fmt.Sprintf("changes type from %s to %s", prev.Type, f.Type)
		if prev.Type == f.Type {
			what = fmt.Sprintf("shortens max_length from %d to %d", prev.StringMaxLength(), f.StringMaxLength())
		}
		return nil, fmt.Errorf("field %q %s, which fails or loses data for values that do not convert: to convert the column anyway, add change_type: true to the field; else put it back, or add a new field", f.Name, what)
	}
	if explicit && prev.Type != f.Type && !d.converts(prev.Type, f.Type) {
		return nil, fmt.Errorf("field %q changes type from %s to %s, which %s cannot do without changing or keeping values that do not convert: add a new field, copy the values that convert, then drop the old one", f.Name, prev.Type, f.Type, d.Name)
	}
	if f.Required && !prev.Required && f.Default == nil {
		return nil, fmt.Errorf("field %q becomes required, but rows may hold null in it: give it a default, which they take, or keep it optional", f.Name)
	}
	columnChanged := retyped || prev.Required != f.Required || !spec.SameDefault(prev.Default, f.Default)
	rebuilt := d.columnChange == rebuild
	if rebuilt && !retyped && prev.Required == f.Required {
		// A new default alone is not worth a rebuild: the service writes
		// every value itself, and the column keeps its old default.
		columnChanged = false
	}
	// Indexes go before the column changes and come back after them: for
	// any change of a column that is rebuilt, which loses its index.
	indexChanged := d.createIndex(prev) != d.createIndex(f) || retyped || (rebuilt && columnChanged)
	if indexChanged && d.createIndex(prev) != "" {
		changes = append(changes, schemaChange{slug: "unindex_" + f.Name, up: []string{d.dropIndex(prev)}, down: []string{d.createIndex(prev)}})
	}
	if columnChanged {
		if up, down, ok := d.changeColumn(prev, f); ok {
			changes = append(changes, schemaChange{slug: "alter_" + f.Name, up: up, down: down})
		}
	}
	if indexChanged && d.createIndex(f) != "" {
		changes = append(changes, schemaChange{slug: "index_" + f.Name, up: []string{d.createIndex(f)}, down: []string{d.dropIndex(f)}})
	}
	return changes, nil
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
