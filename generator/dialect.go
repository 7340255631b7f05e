package generator

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/authgen/authgen/spec"
)

// A dialect is the SQL of one database: every statement authgen writes,
// in the first migration, the later ones and the store's queries, takes
// from it what differs between databases, so that nothing else needs to
// know which database it writes for. There is one value per database, in
// dialects; dialectOf finds the spec's.
//
// The exported fields and methods are what the templates read.
type dialect struct {
	// Name is what messages call the database.
	Name string
	// URLExample shows the form of DATABASE_URL.
	URLExample string
	// DefaultURL is the DATABASE_URL of a server that sets none, or ""
	// when it must: only an embedded database, a file beside the server,
	// does without one.
	DefaultURL string
	// embedded is set for a database in a file of the service's own,
	// which the tests make without a server.
	embedded bool

	// IDType, EmailType, NormalizedEmailType and PasswordType are the
	// types of the users table's own columns; NormalizedEmailNote, when
	// set, says why the normalized email is of its type. TableOptions,
	// when set, follow the definition of every table.
	IDType, EmailType, NormalizedEmailType, PasswordType string
	NormalizedEmailNote                                  string
	TableOptions                                         string

	// tokenType and timestampType are the types of a token digest and of
	// a token's time: the access tokens' creation time, the revoked
	// tokens' expiry, the instant a user's sessions ended. The user_id
	// of access_tokens and user_sessions is of IDType.
	tokenType, timestampType string
	// duplicateKeyUpdate is set where an insert that meets a row with
	// its key updates it with ON DUPLICATE KEY UPDATE (MySQL) rather than
	// ON CONFLICT ... DO UPDATE.
	duplicateKeyUpdate bool
	// foreignKeyConstraints is set where a foreign key must be a table
	// constraint, which indexes its column itself: MySQL parses a
	// column's REFERENCES and ignores it.
	foreignKeyConstraints bool
	// lockingRead follows a SELECT that locks the rows it reads until
	// the transaction ends. SQLite needs none: a transaction that has
	// written holds the whole database.
	lockingRead string

	// types are the column types of the custom field types; with
	// varchar, string and enum columns are VARCHAR of their length
	// instead. textCollation follows the type of every text column.
	types         map[string]string
	varchar       bool
	textCollation string
	// textDefaultExpression is set where a text column takes its default
	// only as an expression, in parentheses.
	textDefaultExpression bool
	// timeLayout is the layout of a datetime literal.
	timeLayout string
	// backslashEscapes is set where a backslash in a string literal
	// escapes the character after it.
	backslashEscapes bool
	// numberedPlaceholders is set where the nth argument of a statement is
	// $n rather than ?.
	numberedPlaceholders bool
	// dropIndexFormat drops the index %s of the users table.
	dropIndexFormat string

	// columnChange is how the database changes a column that holds rows,
	// and rebuildDefaults, for a rebuild, the default a required column
	// takes while its values are copied, by field type.
	columnChange    columnChange
	rebuildDefaults map[string]string
	// lenientCasts is set where a cast never fails: SQLite's CAST turns
	// text that is not a number into 0, and its dates and booleans are
	// numbers, so it is trusted with int to float alone.
	lenientCasts bool
	// checksUUIDs is set where a uuid column refuses text that is no
	// UUID, so that converting text to it fails rather than keeping
	// values the service cannot read.
	checksUUIDs bool

	// databaseTemplate and databaseTestTemplate are the templates of
	// database_gen.go and database_gen_test.go, which open the database
	// with its driver, recognise its errors and make test databases on
	// it: Go code against each driver's own API, which differs as a whole.
	databaseTemplate, databaseTestTemplate string
	// driver is the module of the database/sql driver those templates
	// import; its version is in requirements.
	driver string
}

// columnChange is how a database changes the definition of a column that
// may hold rows.
type columnChange int

const (
	// alterInPlace changes the type, the default and the nullability of
	// the column one statement each (PostgreSQL's ALTER COLUMN).
	alterInPlace columnChange = iota
	// modifyWhole restates the column's whole definition (MySQL's MODIFY
	// COLUMN).
	modifyWhole
	// rebuild replaces the column with a new one that takes its values,
	// for a database that alters no column (SQLite): the column loses its
	// index, and a new default alone is not worth it, as the service
	// writes every value itself.
	rebuild
)

// mysqlBinary makes MySQL text compare byte for byte, as on the other
// databases, so that a unique field is unique in the same way everywhere.
const mysqlBinary = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"

// dialects are the databases authgen generates for, by the name
// authgen.yaml gives them.
var dialects = map[string]dialect{
	"sqlite": {
		Name:       "SQLite",
		URLExample: "sqlite:auth.db",
		DefaultURL: "sqlite:auth.db",
		embedded:   true,

		IDType: "TEXT", EmailType: "TEXT", NormalizedEmailType: "TEXT", PasswordType: "TEXT",
		tokenType: "TEXT", timestampType: "TIMESTAMP",

		types: map[string]string{
			"string": "TEXT", "text": "TEXT", "enum": "TEXT", "uuid": "TEXT", "int": "INTEGER", "float": "REAL",
			"bool": "BOOLEAN", "date": "DATE", "datetime": "DATETIME",
		},
		// The form the SQLite driver writes and reads times in.
		timeLayout:      "2006-01-02 15:04:05.999999999-07:00",
		dropIndexFormat: "DROP INDEX %s;",

		columnChange: rebuild,
		rebuildDefaults: map[string]string{
			"string": "''", "text": "''", "enum": "''", "uuid": "''", "int": "0", "float": "0", "bool": "FALSE",
			"date": "'1970-01-01'", "datetime": "'1970-01-01 00:00:00+00:00'",
		},
		lenientCasts: true,

		databaseTemplate:     "auth/sqlite/database_gen.go.tmpl",
		databaseTestTemplate: "auth/sqlite/database_gen_test.go.tmpl",
		driver:               "modernc.org/sqlite",
	},
	"postgres": {
		Name:       "PostgreSQL",
		URLExample: "postgres://USER:PASSWORD@localhost:5432/DATABASE?sslmode=disable",

		IDType: "UUID", EmailType: "TEXT", NormalizedEmailType: `TEXT COLLATE "C"`, PasswordType: "TEXT",
		NormalizedEmailNote: `Byte order ("C") lets the user list page through it with its index.`,
		tokenType:           "CHAR(64)", timestampType: "TIMESTAMPTZ",
		lockingRead: " FOR UPDATE",

		types: map[string]string{
			"text": "TEXT", "uuid": "UUID", "int": "BIGINT", "float": "DOUBLE PRECISION",
			"bool": "BOOLEAN", "date": "DATE", "datetime": "TIMESTAMPTZ",
		},
		varchar:              true,
		timeLayout:           "2006-01-02 15:04:05.999999Z07:00",
		numberedPlaceholders: true,
		dropIndexFormat:      "DROP INDEX %s;",

		columnChange: alterInPlace,
		checksUUIDs:  true,

		databaseTemplate:     "auth/postgres/database_gen.go.tmpl",
		databaseTestTemplate: "auth/postgres/database_gen_test.go.tmpl",
		driver:               "github.com/jackc/pgx/v5",
	},
	"mysql": {
		Name:       "MySQL",
		URLExample: "mysql://USER:PASSWORD@localhost:3306/DATABASE",

		IDType: "CHAR(36)", EmailType: "VARCHAR(320)", NormalizedEmailType: "VARCHAR(320)" + mysqlBinary, PasswordType: "VARCHAR(1024)",
		NormalizedEmailNote:   "Binary collation compares it byte for byte, as the service does.",
		TableOptions:          "ENGINE = InnoDB DEFAULT CHARSET = utf8mb4",
		tokenType:             "CHAR(64) CHARACTER SET ascii COLLATE ascii_bin",
		timestampType:         "DATETIME(6)",
		foreignKeyConstraints: true,
		duplicateKeyUpdate:    true,
		lockingRead:           " FOR UPDATE",

		types: map[string]string{
			// TEXT holds 64 KiB; LONGTEXT all a request body can carry.
			"text": "LONGTEXT", "uuid": "CHAR(36)", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN",
			"date": "DATE", "datetime": "DATETIME(6)",
		},
		varchar:               true,
		textCollation:         mysqlBinary,
		textDefaultExpression: true,
		timeLayout:            "2006-01-02 15:04:05.999999",
		backslashEscapes:      true,
		dropIndexFormat:       "DROP INDEX %s ON users;",

		columnChange: modifyWhole,

		databaseTemplate:     "auth/mysql/database_gen.go.tmpl",
		databaseTestTemplate: "auth/mysql/database_gen_test.go.tmpl",
		driver:               "github.com/go-sql-driver/mysql",
	},
}

// dialectOf returns the dialect of database, a name authgen.yaml gives
// it.
func dialectOf(database string) (dialect, error) {
	d, ok := dialects[database]
	if !ok {
		return dialect{}, fmt.Errorf("database %q: authgen writes the SQL of %s only", database, strings.Join(spec.Databases, ", "))
	}
	return d, nil
}

// textual are the types stored as text.
var textual = map[string]bool{"string": true, "text": true, "enum": true}

// placeholder returns the parameter marker of the nth argument of a
// statement.
func (d dialect) placeholder(n int) string {
	if d.numberedPlaceholders {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// columnType returns the column type of f.
func (d dialect) columnType(f spec.Field) string {
	t := d.types[f.Type]
	if d.varchar {
		switch f.Type {
		case "string":
			t = fmt.Sprintf("VARCHAR(%d)", f.StringMaxLength())
		case "enum":
			t = fmt.Sprintf("VARCHAR(%d)", spec.MaxEnumValueLength)
		}
	}
	if textual[f.Type] {
		t += d.textCollation
	}
	return t
}

// columnDef returns the definition of f's column: its type, NOT NULL
// when required, and its default.
func (d dialect) columnDef(f spec.Field) string {
	def := d.columnType(f)
	if f.Required {
		def += " NOT NULL"
	}
	if f.Default != nil {
		lit := d.literal(f, *f.Default)
		if d.textDefaultExpression && f.Type == "text" {
			lit = "(" + lit + ")"
		}
		def += " DEFAULT " + lit
	}
	return def
}

// literal returns the SQL literal of the value whose canonical text is
// value, for field f.
func (d dialect) literal(f spec.Field, value string) string {
	value, _ = spec.CanonicalValue(f, value)
	switch f.Type {
	case "int", "float":
		return value
	case "bool":
		return strings.ToUpper(value)
	case "datetime":
		t, _ := time.Parse(time.RFC3339Nano, value)
		value = t.Format(d.timeLayout)
	}
	quoted := strings.ReplaceAll(value, "'", "''")
	if d.backslashEscapes {
		quoted = strings.ReplaceAll(quoted, `\`, `\\`)
	}
	return "'" + quoted + "'"
}

// tableOptions returns what follows the closing parenthesis of a CREATE
// TABLE: the dialect's TableOptions after a space, or nothing.
func (d dialect) tableOptions() string {
	if d.TableOptions == "" {
		return ""
	}
	return " " + d.TableOptions
}

// AccessTokensDDL returns the statements that create and index the
// access token table of the database strategy.
func (d dialect) AccessTokensDDL() string {
	const references = "REFERENCES users (id) ON DELETE CASCADE"
	var b strings.Builder
	b.WriteString("-- The access tokens of the database strategy.\nCREATE TABLE access_tokens (\n")
	b.WriteString("    -- The token's SHA-256 in hex: the token itself is never stored.\n")
	fmt.Fprintf(&b, "    token %s NOT NULL PRIMARY KEY,\n", d.tokenType)
	if d.foreignKeyConstraints {
		fmt.Fprintf(&b, "    user_id %s NOT NULL,\n", d.IDType)
		fmt.Fprintf(&b, "    created_at %s NOT NULL,\n", d.timestampType)
		fmt.Fprintf(&b, "    CONSTRAINT access_tokens_user_id_fkey FOREIGN KEY (user_id) %s\n", references)
	} else {
		fmt.Fprintf(&b, "    user_id %s NOT NULL %s,\n", d.IDType, references)
		fmt.Fprintf(&b, "    created_at %s NOT NULL\n", d.timestampType)
	}
	b.WriteString(")" + d.tableOptions())
	b.WriteString(";\n\n")
	if !d.foreignKeyConstraints {
		b.WriteString("CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);\n")
	}
	b.WriteString("CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);")
	return b.String()
}

// RevokedTokensDDL returns the statements that create and index the
// deny-list of the JWTs that logout revoked. A row is worth keeping only
// until the token's exp, after which the token is refused anyway: the
// index on expires_at lets logout purge those that passed.
func (d dialect) RevokedTokensDDL() string {
	var b strings.Builder
	b.WriteString("-- The JWTs that logout revoked, until they expire.\nCREATE TABLE revoked_tokens (\n")
	b.WriteString("    -- The token's SHA-256 in hex: the token itself is never stored.\n")
	fmt.Fprintf(&b, "    digest %s NOT NULL PRIMARY KEY,\n", d.tokenType)
	fmt.Fprintf(&b, "    expires_at %s NOT NULL\n", d.timestampType)
	b.WriteString(")" + d.tableOptions())
	b.WriteString(";\n\n")
	b.WriteString("CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);")
	return b.String()
}

// UserSessionsDDL returns the statement that creates the table of the
// instants before which a user's tokens no longer authenticate: a
// password reset or change, or a deactivation, moves it to its own time.
// A row goes with its user.
func (d dialect) UserSessionsDDL() string {
	const references = "REFERENCES users (id) ON DELETE CASCADE"
	var b strings.Builder
	b.WriteString("-- When each user's sessions last ended: tokens issued before not_before\n")
	b.WriteString("-- no longer authenticate, but kept_token, the token that changed the password.\n")
	b.WriteString("CREATE TABLE user_sessions (\n")
	if d.foreignKeyConstraints {
		fmt.Fprintf(&b, "    user_id %s NOT NULL PRIMARY KEY,\n", d.IDType)
	} else {
		fmt.Fprintf(&b, "    user_id %s NOT NULL PRIMARY KEY %s,\n", d.IDType, references)
	}
	fmt.Fprintf(&b, "    not_before %s NOT NULL,\n", d.timestampType)
	b.WriteString("    -- The SHA-256 in hex of the token that survives, or null.\n")
	fmt.Fprintf(&b, "    kept_token %s NULL", d.tokenType)
	if d.foreignKeyConstraints {
		fmt.Fprintf(&b, ",\n    CONSTRAINT user_sessions_user_id_fkey FOREIGN KEY (user_id) %s", references)
	}
	b.WriteString("\n)" + d.tableOptions())
	b.WriteString(";")
	return b.String()
}

// RateLimitsDDL returns the statements that create and index the table of
// the limits' buckets: how full each is, and when it was last filled,
// in microseconds since 1970, so that every database computes the same
// with the same arithmetic. A bucket is named by a keyed digest of what
// it counts (an email, a client address), which the table never holds.
// The index on updated_at finds the buckets that have emptied.
func (d dialect) RateLimitsDDL() string {
	var b strings.Builder
	b.WriteString("-- How full each bucket of the limits against guessing and floods is.\nCREATE TABLE rate_limits (\n")
	fmt.Fprintf(&b, "    bucket %s NOT NULL PRIMARY KEY,\n", d.tokenType)
	b.WriteString("    fill DOUBLE PRECISION NOT NULL,\n")
	b.WriteString("    -- Microseconds since 1970.\n")
	b.WriteString("    updated_at BIGINT NOT NULL\n")
	b.WriteString(")" + d.tableOptions())
	b.WriteString(";\n\n")
	b.WriteString("CREATE INDEX rate_limits_updated_at_idx ON rate_limits (updated_at);")
	return b.String()
}

// OAuthAccountsDDL returns the statements that create and index the
// table of the provider accounts linked to users, as FastAPI Users'
// oauth_account table holds them, but keyed: a provider account
// (oauth_name, account_id) is linked to one user only, and goes with its
// user. The provider's tokens are stored encrypted (see tokenCipher), so
// their columns are text of any length; expires_at is in epoch seconds.
func (d dialect) OAuthAccountsDDL() string {
	const references = "REFERENCES users (id) ON DELETE CASCADE"
	// bounded is a text column of at most n characters, which MySQL
	// can index only as VARCHAR.
	bounded := func(n int) string {
		if !d.varchar {
			return "TEXT"
		}
		return fmt.Sprintf("VARCHAR(%d)%s", n, d.textCollation)
	}
	text := d.columnType(spec.Field{Type: "text"})
	var b strings.Builder
	b.WriteString("-- The provider accounts linked to users: one user per (oauth_name, account_id).\n")
	b.WriteString("CREATE TABLE oauth_accounts (\n")
	fmt.Fprintf(&b, "    id %s NOT NULL PRIMARY KEY,\n", d.IDType)
	if d.foreignKeyConstraints {
		fmt.Fprintf(&b, "    user_id %s NOT NULL,\n", d.IDType)
	} else {
		fmt.Fprintf(&b, "    user_id %s NOT NULL %s,\n", d.IDType, references)
	}
	b.WriteString("    -- The provider's name in authgen.yaml, and its id of the account.\n")
	fmt.Fprintf(&b, "    oauth_name %s NOT NULL,\n", bounded(100))
	fmt.Fprintf(&b, "    account_id %s NOT NULL,\n", bounded(320))
	fmt.Fprintf(&b, "    account_email %s NOT NULL,\n", bounded(320))
	b.WriteString("    -- The provider's tokens, encrypted with a key derived from the service's secret.\n")
	fmt.Fprintf(&b, "    access_token %s NOT NULL,\n", text)
	fmt.Fprintf(&b, "    refresh_token %s NULL,\n", text)
	b.WriteString("    -- Epoch seconds.\n")
	b.WriteString("    expires_at BIGINT NULL,\n")
	fmt.Fprintf(&b, "    created_at %s NOT NULL,\n", d.timestampType)
	fmt.Fprintf(&b, "    updated_at %s NOT NULL", d.timestampType)
	if d.foreignKeyConstraints {
		fmt.Fprintf(&b, ",\n    CONSTRAINT oauth_accounts_user_id_fkey FOREIGN KEY (user_id) %s", references)
	}
	b.WriteString("\n)" + d.tableOptions())
	b.WriteString(";\n\n")
	b.WriteString("CREATE UNIQUE INDEX oauth_accounts_oauth_name_account_id_key ON oauth_accounts (oauth_name, account_id);")
	if !d.foreignKeyConstraints {
		b.WriteString("\nCREATE INDEX oauth_accounts_user_id_idx ON oauth_accounts (user_id);")
	}
	return b.String()
}

// insertMissing returns the statement that inserts values into table's
// columns, the first of which is its key, unless a row has the key.
func (d dialect) insertMissing(table string, columns ...string) string {
	insert := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(columns, ", "), placeholders(d, len(columns)))
	if d.duplicateKeyUpdate {
		return fmt.Sprintf("%s ON DUPLICATE KEY UPDATE %s = %s", insert, columns[0], columns[0])
	}
	return fmt.Sprintf("%s ON CONFLICT (%s) DO NOTHING", insert, columns[0])
}

// upsert returns the statement that inserts values into table's columns,
// the first of which is its key, or updates the other columns of the row
// that has the key.
func (d dialect) upsert(table string, columns ...string) string {
	var ph, updates []string
	for i, c := range columns {
		ph = append(ph, d.placeholder(i+1))
		if i == 0 {
			continue
		}
		if d.duplicateKeyUpdate {
			updates = append(updates, fmt.Sprintf("%s = VALUES(%s)", c, c))
		} else {
			updates = append(updates, fmt.Sprintf("%s = excluded.%s", c, c))
		}
	}
	insert := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(columns, ", "), strings.Join(ph, ", "))
	if d.duplicateKeyUpdate {
		return insert + " ON DUPLICATE KEY UPDATE " + strings.Join(updates, ", ")
	}
	return fmt.Sprintf("%s ON CONFLICT (%s) DO UPDATE SET %s", insert, columns[0], strings.Join(updates, ", "))
}

// dropTable returns the statement that drops table, with its rows.
func (d dialect) dropTable(table string) string {
	return fmt.Sprintf("DROP TABLE %s;", table)
}

// addColumn returns the statement that adds f's column: existing rows
// take its default, or null.
func (d dialect) addColumn(f spec.Field) string {
	return fmt.Sprintf("ALTER TABLE users ADD COLUMN %s %s;", f.Name, d.columnDef(f))
}

// dropColumn returns the statement that drops the column name, with its
// values.
func (d dialect) dropColumn(name string) string {
	return fmt.Sprintf("ALTER TABLE users DROP COLUMN %s;", name)
}

// renameColumn returns the statement that renames the column from to to.
func (d dialect) renameColumn(from, to string) string {
	return fmt.Sprintf("ALTER TABLE users RENAME COLUMN %s TO %s;", from, to)
}

// createIndex returns the statement that creates f's index, or "" when
// it has none.
func (d dialect) createIndex(f spec.Field) string {
	switch {
	case f.Unique:
		return fmt.Sprintf("CREATE UNIQUE INDEX %s ON users (%s);", indexName(f), f.Name)
	case f.Indexed:
		return fmt.Sprintf("CREATE INDEX %s ON users (%s);", indexName(f), f.Name)
	}
	return ""
}

// dropIndex returns the statement that drops f's index.
func (d dialect) dropIndex(f spec.Field) string {
	return fmt.Sprintf(d.dropIndexFormat, indexName(f))
}

// backfill returns the statement that gives f's nulls its default.
func (d dialect) backfill(f spec.Field) string {
	return fmt.Sprintf("UPDATE users SET %s = %s WHERE %s IS NULL;", f.Name, d.literal(f, *f.Default), f.Name)
}

// changeColumn returns the statements that turn the column of prev into
// that of f, and back, and false when the database's column does not
// change (a string's length on SQLite). When f becomes required, the
// column's nulls take f's default.
func (d dialect) changeColumn(prev, f spec.Field) (up, down []string, changed bool) {
	required := f.Required && !prev.Required
	switch d.columnChange {
	case alterInPlace:
		return d.alterColumnInPlace(prev, f, required), d.alterColumnInPlace(f, prev, false), true
	case modifyWhole:
		if required {
			// The nulls take the default once the column has its new
			// type, and only then is it NOT NULL.
			nullable := f
			nullable.Required, nullable.Default = false, nil
			up = append(up, d.modifyColumn(nullable), d.backfill(f))
		}
		return append(up, d.modifyColumn(f)), []string{d.modifyColumn(prev)}, true
	default: // rebuild
		if d.columnDef(prev) == d.columnDef(f) {
			return nil, nil, false
		}
		return d.rebuildColumn(prev, f), d.rebuildColumn(f, prev), true
	}
}

// alterColumnInPlace returns the statements that turn prev's column into
// f's, one change each; with backfill, its nulls take f's default before it
// becomes NOT NULL.
func (d dialect) alterColumnInPlace(prev, f spec.Field, backfill bool) []string {
	var stmts []string
	alter := func(format string, args ...any) {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE users ALTER COLUMN %s ", f.Name)+fmt.Sprintf(format, args...)+";")
	}
	t := d.columnType(f)
	retyped := t != d.columnType(prev)
	if retyped {
		if prev.Default != nil {
			// The old default would keep its old type.
			alter("DROP DEFAULT")
		}
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
		alter("SET DEFAULT %s", d.literal(f, *f.Default))
	}
	if backfill {
		stmts = append(stmts, d.backfill(f))
	}
	switch {
	case f.Required && !prev.Required:
		alter("SET NOT NULL")
	case !f.Required && prev.Required:
		alter("DROP NOT NULL")
	}
	return stmts
}

// modifyColumn returns the statement that gives f's column f's whole
// definition.
func (d dialect) modifyColumn(f spec.Field) string {
	return fmt.Sprintf("ALTER TABLE users MODIFY COLUMN %s %s;", f.Name, d.columnDef(f))
}

// rebuildColumn replaces prev's column with one defined as f's: a new
// column takes the values, converted, and the name. A required column
// without a default is added with one its values replace at once, as
// SQLite adds no NOT NULL column without.
func (d dialect) rebuildColumn(prev, f spec.Field) []string {
	tmp := f
	tmp.Name = f.Name + "_new"
	def := d.columnDef(tmp)
	if tmp.Required && tmp.Default == nil {
		def += " DEFAULT " + d.rebuildDefaults[f.Type]
	}
	value := prev.Name
	if prev.Type != f.Type {
		value = fmt.Sprintf("CAST(%s AS %s)", prev.Name, d.columnType(f))
	}
	if f.Required && f.Default != nil {
		value = fmt.Sprintf("COALESCE(%s, %s)", value, d.literal(f, *f.Default))
	}
	return []string{
		fmt.Sprintf("ALTER TABLE users ADD COLUMN %s %s;", tmp.Name, def),
		fmt.Sprintf("UPDATE users SET %s = %s;", tmp.Name, value),
		d.dropColumn(prev.Name),
		d.renameColumn(tmp.Name, f.Name),
	}
}

// converts reports whether the database converts every value of a
// column of type from to type to, or fails the migration: a conversion
// that would change a value silently, or keep one the service cannot
// read, is refused. Anything becomes text; where casts are lenient, only
// that and int to float. Elsewhere a float does not become an int (it
// would be rounded), nothing but a bool becomes a bool, and text becomes
// a uuid only where the column checks it.
func (d dialect) converts(from, to string) bool {
	switch {
	case to == "string" || to == "text":
		return true
	case d.lenientCasts:
		return from == "int" && to == "float"
	case to == "bool", from == "float" && to == "int":
		return false
	case to == "uuid":
		return d.checksUUIDs
	}
	return true
}
