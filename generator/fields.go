package generator

import (
	"github.com/authgen/authgen/spec"

	"fmt"
	"strconv"
	"strings"
	"time"
)

// fieldType describes how one custom field type maps to Go and to the
// JSON of the generated tests.
type fieldType struct {
	goType string
	// decoder returns the Go expression of the value decoder of f.
	decoder func(f spec.Field) string
	// sample and other are distinct valid JSON values; invalid is a JSON
	// value that draws the Pydantic error invalidType; null draws
	// nullType when the field is required.
	sample, other, invalid, invalidType, nullType string
}

func fixedDecoder(name string) func(spec.Field) string {
	return func(spec.Field) string { return name }
}

var fieldTypes = map[string]fieldType{
	"string": {goType: "string", decoder: func(f spec.Field) string { return fmt.Sprintf("stringMax(%d)", f.StringMaxLength()) },
		sample: `"Arthur"`, other: `"Lancelot"`, invalid: `42`, invalidType: "string_type", nullType: "string_type"},
	"text": {goType: "string", decoder: fixedDecoder("toText"),
		sample: `"Once and future king."`, other: `"Knight of the Round Table."`, invalid: `["a"]`, invalidType: "string_type", nullType: "string_type"},
	"int": {goType: "int64", decoder: fixedDecoder("toInt"),
		sample: `42`, other: `7`, invalid: `"forty"`, invalidType: "int_parsing", nullType: "int_type"},
	"float": {goType: "float64", decoder: fixedDecoder("toFloat"),
		sample: `1.5`, other: `2.25`, invalid: `"many"`, invalidType: "float_parsing", nullType: "float_type"},
	"bool": {goType: "bool", decoder: fixedDecoder("toBool"),
		sample: `true`, other: `false`, invalid: `"maybe"`, invalidType: "bool_parsing", nullType: "bool_type"},
	"date": {goType: "Date", decoder: fixedDecoder("toDate"),
		sample: `"1990-05-17"`, other: `"2001-12-31"`, invalid: `"17/05/1990"`, invalidType: "date_from_datetime_parsing", nullType: "date_type"},
	"datetime": {goType: "time.Time", decoder: fixedDecoder("toDateTime"),
		sample: `"2024-01-31T10:00:00Z"`, other: `"2025-06-01T08:30:00.5Z"`, invalid: `"yesterday"`, invalidType: "datetime_from_date_parsing", nullType: "datetime_type"},
	"uuid": {goType: "uuid.UUID", decoder: fixedDecoder("toUUID"),
		sample: `"3b241101-e2bb-4255-8caf-4136c566a962"`, other: `"9c5b94b1-35ad-49bb-b118-8e8fc24abf80"`, invalid: `"not-a-uuid"`, invalidType: "uuid_parsing", nullType: "uuid_type"},
	"enum": {goType: "string", decoder: func(f spec.Field) string {
		quoted := make([]string, len(f.Values))
		for i, v := range f.Values {
			quoted[i] = strconv.Quote(v)
		}
		return "oneOf(" + strings.Join(quoted, ", ") + ")"
	}, invalidType: "enum", nullType: "enum"},
}

// uses records which decoders and types of the generated code the custom
// fields need.
type uses struct {
	Int, Float, Bool, String, Date, DateTime, UUID, Enum bool
	// Default is set when a field has a default, OptionalDefault when one
	// that may be null does, and OptionalDateTime when a datetime field
	// may be null.
	Default, OptionalDefault, OptionalDateTime bool
}

func (u *uses) add(f spec.Field) {
	switch f.Type {
	case "int":
		u.Int = true
	case "float":
		u.Float = true
	case "bool":
		u.Bool = true
	case "string", "text":
		u.String = true
	case "date":
		u.Date = true
	case "datetime":
		u.DateTime = true
		u.OptionalDateTime = u.OptionalDateTime || !f.Required
	case "uuid":
		u.UUID = true
	case "enum":
		u.Enum = true
	}
	u.Default = u.Default || f.Default != nil
	u.OptionalDefault = u.OptionalDefault || (f.Default != nil && !f.Required)
}

// Types reports whether the custom fields need types_gen.go.
func (u uses) Types() bool { return u.Date || u.DateTime || u.OptionalDefault }

// newFieldView returns what the templates need of f on database db.
func newFieldView(f spec.Field, db string) fieldView {
	ft := fieldTypes[f.Type]
	fv := fieldView{
		Name:        f.Name,
		GoName:      spec.GoName(f.Name),
		GoType:      ft.goType,
		Required:    f.Required,
		Decoder:     ft.decoder(f),
		Column:      columnDef(f, db),
		Index:       indexDDL(f),
		Sample:      ft.sample,
		Other:       ft.other,
		Invalid:     ft.invalid,
		InvalidType: ft.invalidType,
		NullType:    ft.nullType,
		Scan:        "&u." + spec.GoName(f.Name),
		// The sample JSON, a Go raw string.
		RegistrationJSON: "`" + ft.sample + "`",
		Changed:          fmt.Sprintf("after.%[1]s != before.%[1]s", spec.GoName(f.Name)),
	}
	if f.Type == "string" {
		// Samples that fit the field's length.
		fit := func(sample string) string {
			s, _ := strconv.Unquote(sample)
			if r := []rune(s); len(r) > f.StringMaxLength() {
				s = string(r[:f.StringMaxLength()])
			}
			return strconv.Quote(s)
		}
		fv.Sample, fv.Other = fit(fv.Sample), fit(fv.Other)
		fv.RegistrationJSON = "`" + fv.Sample + "`"
	}
	if f.Type == "enum" {
		fv.Sample = strconv.Quote(f.Values[0])
		fv.RegistrationJSON = "`" + fv.Sample + "`"
		fv.Other = strconv.Quote(f.Values[1%len(f.Values)])
		fv.Invalid = strconv.Quote("not-" + strings.Join(f.Values, "-"))
	}
	if text, err := strconv.Unquote(fv.Sample); err == nil {
		fv.SampleGo = goLiteral(f, text)
	} else {
		fv.SampleGo = goLiteral(f, fv.Sample)
	}
	if f.Unique {
		// Users inserted by the tests need values of their own.
		const checksum = "crc32.ChecksumIEEE([]byte(u.Email))"
		switch f.Type {
		case "string":
			fv.SampleGo = `fmt.Sprintf("%08x", ` + checksum + `)`
			if n := f.StringMaxLength(); n < 8 {
				fv.SampleGo += fmt.Sprintf("[:%d]", n)
			}
			fv.RegistrationJSON = "jsonString(" + strings.ReplaceAll(fv.SampleGo, "u.Email", "email") + ")"
		case "int":
			fv.SampleGo = "int64(" + checksum + ")"
			fv.RegistrationJSON = "fmt.Sprint(" + strings.ReplaceAll(checksum, "u.Email", "email") + ")"
		case "uuid":
			fv.SampleGo = "uuid.NewSHA1(uuid.NameSpaceURL, []byte(u.Email))"
			fv.RegistrationJSON = "jsonString(uuid.NewSHA1(uuid.NameSpaceURL, []byte(email)).String())"
		}
	}
	if f.Default != nil {
		fv.Default = goLiteral(f, *f.Default)
		fv.DefaultJSON = jsonLiteral(f, *f.Default)
	}
	switch {
	case f.Type == "datetime" && f.Required:
		fv.Scan = "utcTime{&u." + fv.GoName + "}"
		fv.Changed = fmt.Sprintf("!after.%[1]s.Equal(before.%[1]s)", fv.GoName)
	case f.Type == "datetime":
		fv.Scan = "nullUTCTime{&u." + fv.GoName + "}"
		fv.Changed = fmt.Sprintf("!sameTime(after.%[1]s, before.%[1]s)", fv.GoName)
	case !f.Required:
		fv.Changed = fmt.Sprintf("!sameValue(after.%[1]s, before.%[1]s)", fv.GoName)
	}
	if !f.Required {
		fv.GoType = "*" + fv.GoType
		if fv.Default != "" {
			fv.Default = "ptr(" + fv.Default + ")"
		}
	}
	return fv
}

// goLiteral returns the Go expression of the value whose canonical text
// is value, for field f.
func goLiteral(f spec.Field, value string) string {
	value, _ = spec.CanonicalValue(f, value)
	switch f.Type {
	case "int":
		return "int64(" + value + ")"
	case "bool":
		return value
	case "float":
		if !strings.ContainsAny(value, ".eE") {
			value += ".0"
		}
		return value
	case "date":
		return "Date(" + strconv.Quote(value) + ")"
	case "datetime":
		t, _ := time.Parse(time.RFC3339Nano, value)
		return fmt.Sprintf("time.Date(%d, %d, %d, %d, %d, %d, %d, time.UTC)", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond())
	case "uuid":
		return "uuid.MustParse(" + strconv.Quote(value) + ")"
	}
	return strconv.Quote(value)
}

// jsonLiteral returns the JSON the service writes for the value whose
// canonical text is value, for field f.
func jsonLiteral(f spec.Field, value string) string {
	value, _ = spec.CanonicalValue(f, value)
	switch f.Type {
	case "int", "float", "bool":
		return value
	}
	return strconv.Quote(value)
}

// sqlType returns the column type of f on database db.
func sqlType(f spec.Field, db string) string {
	switch db {
	case "sqlite":
		return map[string]string{
			"string": "TEXT", "text": "TEXT", "enum": "TEXT", "uuid": "TEXT", "int": "INTEGER", "float": "REAL",
			"bool": "BOOLEAN", "date": "DATE", "datetime": "DATETIME",
		}[f.Type]
	case "postgres":
		if f.Type == "string" {
			return fmt.Sprintf("VARCHAR(%d)", f.StringMaxLength())
		}
		return map[string]string{
			"text": "TEXT", "enum": fmt.Sprintf("VARCHAR(%d)", spec.MaxEnumValueLength), "uuid": "UUID", "int": "BIGINT",
			"float": "DOUBLE PRECISION", "bool": "BOOLEAN", "date": "DATE", "datetime": "TIMESTAMPTZ",
		}[f.Type]
	case "mysql":
		// Text compares byte for byte, as on the other databases, so that
		// a unique field is unique in the same way everywhere.
		const binary = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
		switch f.Type {
		case "string":
			return fmt.Sprintf("VARCHAR(%d)", f.StringMaxLength()) + binary
		case "enum":
			return fmt.Sprintf("VARCHAR(%d)", spec.MaxEnumValueLength) + binary
		case "text":
			// TEXT holds 64 KiB; LONGTEXT all a request body can carry.
			return "LONGTEXT" + binary
		}
		return map[string]string{
			"uuid": "CHAR(36)", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "date": "DATE", "datetime": "DATETIME(6)",
		}[f.Type]
	}
	return ""
}

// columnDef returns the definition of f's column on database db: its
// type, NOT NULL when required, and its default.
func columnDef(f spec.Field, db string) string {
	def := sqlType(f, db)
	if f.Required {
		def += " NOT NULL"
	}
	if f.Default != nil {
		lit := sqlLiteral(f, *f.Default, db)
		if db == "mysql" && f.Type == "text" {
			// MySQL takes a TEXT column's default only as an expression.
			lit = "(" + lit + ")"
		}
		def += " DEFAULT " + lit
	}
	return def
}

// sqlLiteral returns the SQL literal of the value whose canonical text is
// value, for field f on database db.
func sqlLiteral(f spec.Field, value string, db string) string {
	value, _ = spec.CanonicalValue(f, value)
	switch f.Type {
	case "int", "float":
		return value
	case "bool":
		return strings.ToUpper(value)
	case "datetime":
		t, _ := time.Parse(time.RFC3339Nano, value)
		switch db {
		case "postgres":
			value = t.Format("2006-01-02 15:04:05.999999Z07:00")
		case "mysql":
			value = t.Format("2006-01-02 15:04:05.999999")
		default:
			// The form the SQLite driver writes and reads times in.
			value = t.Format("2006-01-02 15:04:05.999999999-07:00")
		}
	}
	quoted := strings.ReplaceAll(value, "'", "''")
	if db == "mysql" {
		// MySQL reads backslashes in string literals as escapes.
		quoted = strings.ReplaceAll(quoted, `\`, `\\`)
	}
	return "'" + quoted + "'"
}

// indexDDL returns the statement that creates f's index, or "" when it
// has none.
func indexDDL(f spec.Field) string {
	switch {
	case f.Unique:
		return fmt.Sprintf("CREATE UNIQUE INDEX %s ON users (%s);", indexName(f), f.Name)
	case f.Indexed:
		return fmt.Sprintf("CREATE INDEX %s ON users (%s);", indexName(f), f.Name)
	}
	return ""
}

// indexName returns the name of f's index: users_<name>_key when unique,
// users_<name>_idx otherwise.
func indexName(f spec.Field) string {
	if f.Unique {
		return "users_" + f.Name + "_key"
	}
	return "users_" + f.Name + "_idx"
}

// accessTokensDDL creates the access token table of the database
// strategy, by database.
var accessTokensDDL = map[string]string{
	"sqlite": `-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);
CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);`,
	"postgres": `-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token CHAR(64) NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);
CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);`,
	"mysql": `-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT access_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);`,
}
