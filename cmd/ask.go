package cmd

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/authgen/authgen/spec"
)

// The help texts of init's questions that do not depend on earlier
// answers.
const (
	databaseHelp = `The database the generated service stores users in; the server reads
DATABASE_URL at start-up.
  sqlite    a file next to the server, nothing to install (sqlite:auth.db)
  postgres  PostgreSQL
  mysql     MySQL 8 or MariaDB 10.5+`

	backendsHelp = `Each backend serves /auth/<name>/login and /logout, and pairs a transport
with a strategy. Mark one or more with space; enter accepts.
Transport, how the client carries the token:
  bearer    the Authorization: Bearer header; login answers with the token
  cookie    a cookie that login sets; for browsers
Strategy, what the token is:
  jwt       a signed JWT; nothing is stored, and logout cannot revoke it
            before it expires
  database  a random token whose hash the access_tokens table keeps;
            logout deletes it
  redis     as database, kept in Redis (REDIS_URL) with an expiry`

	addFieldHelp = `Custom fields extend the user beyond email, password and the is_* flags:
each is a column, and a key in the JSON of register, read and update.
` + "`authgen field add`" + ` adds fields later.`

	fieldNameHelp = `The JSON key and the column: a lower-case letter, then lower-case
letters, digits or _, such as first_name. Base fields (id, email, ...),
Go keywords and SQL words are reserved.`

	fieldTypeHelp = `The type of the field's values:
  string    text up to a maximum length (VARCHAR)
  text      text of any length
  int       a whole number (64-bit)
  float     a floating-point number
  bool      true or false
  date      a day, 2006-01-02
  datetime  an instant, 2006-01-02T15:04:05Z
  uuid      a UUID
  enum      one of a list of values`

	enumValuesHelp = `The values the field takes, separated by commas, such as: free, pro.
Spaces around each value are dropped.`

	requiredHelp = `A required field is a NOT NULL column: registration must give it, unless
it has a default, and no update may set it to null. An optional field may
be left out, or set to null.`

	packageHelp = `The directory of the generated package, relative to the module root; its
last element is the package's name.`

	serverHelp = `The directory of the server's main package, relative to the module root.
It is generated once and then yours: authgen never rewrites it.`
)

// askSpec asks for every answer that no flag gave. The questions come
// before init writes anything, so that Ctrl-C leaves nothing behind; the
// error says so.
func askSpec(p Prompter, flags *pflag.FlagSet, sp *spec.Spec) error {
	err := askMissing(p, flags, sp)
	if errors.Is(err, errInterrupted) {
		return fmt.Errorf("%w; nothing was written", err)
	}
	return err
}

func askMissing(p Prompter, flags *pflag.FlagSet, sp *spec.Spec) error {
	if !flags.Changed("db") {
		db, err := p.Select("Database", databaseHelp, spec.Databases, sp.Database)
		if err != nil {
			return err
		}
		sp.Database = db
	}
	if !flags.Changed("backend") {
		var defs []string
		for _, b := range sp.Backends {
			defs = append(defs, b.Transport+"-"+b.Strategy)
		}
		kinds, err := p.MultiSelect("Auth backends", backendsHelp, spec.BackendKinds(), defs)
		if err != nil {
			return err
		}
		if sp.Backends, err = backendsFromKinds(kinds); err != nil {
			return err
		}
	}
	if !flags.Changed("field") {
		for {
			more, err := p.Confirm("Add a custom user field?", addFieldHelp, false)
			if err != nil {
				return err
			}
			if !more {
				break
			}
			field, err := askField(p, sp.Fields)
			if err != nil {
				return err
			}
			sp.Fields = append(sp.Fields, field)
		}
	}
	if !flags.Changed("package") {
		dir, err := p.Input("Directory of the generated package", packageHelp, sp.Package, spec.ValidateDir)
		if err != nil {
			return err
		}
		sp.Package = dir
	}
	if !flags.Changed("server") {
		dir, err := p.Input("Directory of the server", serverHelp, sp.Server, func(s string) error {
			if s == sp.Package {
				return errors.New("the server needs a directory of its own")
			}
			return spec.ValidateDir(s)
		})
		if err != nil {
			return err
		}
		sp.Server = dir
	}
	return nil
}

func askField(p Prompter, existing []spec.Field) (spec.Field, error) {
	name, err := p.Input("Field name (snake_case)", fieldNameHelp, "", func(s string) error {
		if slices.ContainsFunc(existing, func(f spec.Field) bool { return f.Name == s }) {
			return fmt.Errorf("field %q is already defined", s)
		}
		return spec.ValidateFieldName(s)
	})
	if err != nil {
		return spec.Field{}, err
	}
	typ, err := p.Select("Type of "+name, fieldTypeHelp, spec.FieldTypes, "string")
	if err != nil {
		return spec.Field{}, err
	}
	var values []string
	if typ == "enum" {
		answer, err := p.Input("Values of "+name+" (comma-separated)", enumValuesHelp, "", func(s string) error {
			_, err := spec.ParseField(name + ":enum[" + s + "]")
			return err
		})
		if err != nil {
			return spec.Field{}, err
		}
		values = strings.Split(answer, ",")
	}
	required, err := p.Confirm("Is "+name+" required at registration?", requiredHelp, false)
	if err != nil {
		return spec.Field{}, err
	}
	return spec.Field{Name: name, Type: typ, Required: required, Values: values}, nil
}

// equivalentCommand is the init command line that gives spec without
// asking.
func equivalentCommand(sp spec.Spec) string {
	parts := []string{"authgen init", "--db " + sp.Database}
	for _, b := range sp.Backends {
		parts = append(parts, "--backend "+b.Transport+"-"+b.Strategy)
	}
	for _, f := range sp.Fields {
		parts = append(parts, "--field "+f.String())
	}
	parts = append(parts, "--package "+sp.Package, "--server "+sp.Server, "--yes")
	return strings.Join(parts, " ")
}
