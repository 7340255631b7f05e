package cmd

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
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

// fieldFlagSyntax is the form of init's --field flag.
const fieldFlagSyntax = "name:type[:required][:unique][:max_length=N][:default=VALUE]"

// fieldFlagUsage is the help of init's --field flag.
func fieldFlagUsage() string {
	return "custom user field " + fieldFlagSyntax + ", repeatable; default= comes last and takes the rest of the flag;" +
		" an enum lists its values: plan:enum[free,pro]; types: " + strings.Join(spec.FieldTypes, ", ")
}

// fieldFlag is the --field form of a custom field: spec's name:type or
// name:type:required, then the settings that form lacks. The default
// comes last and runs to the end of the flag, so that it may hold any
// text, colons included, and may be empty.
func fieldFlag(f spec.Field) string {
	s := f.String()
	if f.Unique {
		s += ":unique"
	}
	if f.MaxLength != 0 {
		s += ":max_length=" + strconv.Itoa(f.MaxLength)
	}
	if f.Default != nil {
		s += ":default=" + *f.Default
	}
	return s
}

// parseFieldFlag parses the --field form fieldFlag writes, so that every
// field init asks for can be given on its command line too. The settings
// may come in any order, but default= takes the rest of the flag.
func parseFieldFlag(s string) (spec.Field, error) {
	name, rest, ok := strings.Cut(s, ":")
	if !ok {
		return spec.Field{}, fmt.Errorf("field %q: want %s", s, fieldFlagSyntax)
	}
	// The type ends at the next colon, or at the bracket that closes an
	// enum's values.
	end := strings.IndexByte(rest, ':')
	if strings.HasPrefix(rest, "enum[") {
		end = strings.IndexByte(rest, ']') + 1
	}
	if end <= 0 {
		end = len(rest)
	}
	f, err := spec.ParseField(name + ":" + rest[:end])
	if err != nil {
		return f, err
	}
	settings := rest[end:]
	if settings != "" && settings[0] != ':' {
		return f, fmt.Errorf("field %q: %q follows the type; want %s", s, settings, fieldFlagSyntax)
	}
	seen := map[string]bool{}
	for settings != "" {
		settings = settings[1:]
		if def, ok := strings.CutPrefix(settings, "default="); ok {
			f.Default = &def
			break
		}
		setting := settings
		if i := strings.IndexByte(settings, ':'); i >= 0 {
			setting, settings = settings[:i], settings[i:]
		} else {
			settings = ""
		}
		key, value, _ := strings.Cut(setting, "=")
		switch {
		case setting == "required" || setting == "optional":
			key = "required"
			f.Required = setting == "required"
		case setting == "unique":
			f.Unique = true
		case key == "max_length":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return f, fmt.Errorf("field %q: max_length=%s: want a whole number of characters, at least 1", s, value)
			}
			f.MaxLength = n
		default:
			return f, fmt.Errorf("field %q: unknown setting %q; want %s", s, setting, fieldFlagSyntax)
		}
		if seen[key] {
			return f, fmt.Errorf("field %q: %s is given twice", s, key)
		}
		seen[key] = true
	}
	return f, f.Validate()
}

// equivalentCommand is the init command line that gives sp without
// asking, quoted so that it can be pasted as printed into bash or zsh.
func equivalentCommand(sp spec.Spec) string {
	args := []string{"authgen", "init", "--db", sp.Database}
	for _, b := range sp.Backends {
		args = append(args, "--backend", b.Transport+"-"+b.Strategy)
	}
	for _, f := range sp.Fields {
		args = append(args, "--field", fieldFlag(f))
	}
	args = append(args, "--package", sp.Package, "--server", sp.Server, "--yes")
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// shellQuote returns s as one word of bash and zsh: as it is when none of
// its characters means anything to either shell, else in single quotes.
// An = means something to zsh only at the start of a word.
func shellQuote(s string) string {
	plain := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:,+@=", r)
	}
	if s != "" && s[0] != '=' && !strings.ContainsFunc(s, func(r rune) bool { return !plain(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
