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

	oauthHelp = `Providers users may log in with instead of a password, as FastAPI Users'
OAuth routers serve them: for each, GET /auth/<name>/authorize and
/callback log in through every backend (/auth/<name>-<backend>/... for all
but the first), and /auth/associate/<name>/... links a provider account to
the logged-in user. Mark any with space, or none; enter accepts.
  oidc    any OpenID Connect provider (Keycloak, Auth0, Authentik, Dex,
          Okta, ...), found through its issuer's discovery document
  github  GitHub
  google  Google
The client id and secret come from the environment at start-up:
OAUTH_<NAME>_CLIENT_ID, OAUTH_<NAME>_CLIENT_SECRET (see the README).`

	oidcNameHelp = `The provider's name: its routes are /auth/<name>/authorize and so on, its
environment variables OAUTH_<NAME>_CLIENT_ID and so on, and the name is
stored with each account it links. Lower-case letters, digits or -, such as
corp or keycloak.`

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

	maxLengthHelp = `The longest value the field takes, in characters; longer values are a 422.
The column is a VARCHAR of this length. For longer text, use type text.`

	requiredHelp = `A required field is a NOT NULL column: registration must give it, unless
it has a default, and no update may set it to null. An optional field may
be left out, or set to null.`

	uniqueHelp = `A unique field has a unique index: registering or updating with a value
another user has is a 422 naming the field.`

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
		kinds, err := p.MultiSelect("Auth backends", backendsHelp, spec.BackendKinds(), defs, 1)
		if err != nil {
			return err
		}
		if sp.Backends, err = backendsFromKinds(kinds); err != nil {
			return err
		}
		// Providers from --oauth log in through every backend: the
		// backends answered replace those they were made with.
		for i, o := range sp.OAuth {
			sp.OAuth[i] = spec.NewOAuthProvider(o.Name, o.Kind, sp.Backends)
		}
		if err := checkOAuthFlags(*sp, flags); err != nil {
			return err
		}
	}
	if !flags.Changed("oauth") {
		if err := askOAuth(p, sp); err != nil {
			return err
		}
	}
	if !flags.Changed("field") {
		question := "Add a custom user field?"
		for {
			more, err := p.Confirm(question, addFieldHelp, false)
			if err != nil {
				return err
			}
			if !more {
				break
			}
			field, err := askField(p, *sp)
			if err != nil {
				return err
			}
			sp.Fields = append(sp.Fields, field)
			question = "Add another custom user field?"
		}
	}
	if !flags.Changed("package") {
		dir, err := p.Input("Directory of the generated package", packageHelp, sp.Package, func(s string) error {
			g := *sp
			g.Package = s
			return problemAt(g, "output.package")
		})
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
			g := *sp
			g.Server = s
			return problemAt(g, "output.server")
		})
		if err != nil {
			return err
		}
		sp.Server = dir
	}
	return nil
}

// oauthOptions returns the choices of the OAuth question, in the order of
// spec.OAuthKinds; each starts with its kind.
func oauthOptions() []string {
	return []string{"oidc (any OpenID Connect provider)", "github", "google"}
}

// askOAuth asks which providers users may log in with, none by default,
// and adds them to sp with the routers authgen.yaml gives them by
// default. GitHub's and Google's are named after their kind; an OpenID
// Connect provider's name is asked, and checked against the others', as it
// names its routes and environment.
func askOAuth(p Prompter, sp *spec.Spec) error {
	chosen, err := p.MultiSelect("OAuth providers users may log in with", oauthHelp, oauthOptions(), nil, 0)
	if err != nil {
		return err
	}
	var providers []spec.OAuthProvider
	oidc := false
	for _, c := range chosen {
		kind, _, _ := strings.Cut(c, " ")
		if kind == "oidc" {
			oidc = true
			continue
		}
		providers = append(providers, spec.NewOAuthProvider(kind, kind, sp.Backends))
	}
	if oidc {
		name, err := p.Input("Name of the OpenID Connect provider", oidcNameHelp, "oidc", func(s string) error {
			g := *sp
			g.OAuth = append(slices.Clip(g.OAuth), providers...)
			g.OAuth = append(g.OAuth, spec.NewOAuthProvider(s, "oidc", sp.Backends))
			for _, p := range g.Validate() {
				if strings.HasPrefix(p.Path, "oauth[") {
					return errors.New(p.Message)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		// First, as the options list it.
		providers = append([]spec.OAuthProvider{spec.NewOAuthProvider(name, "oidc", sp.Backends)}, providers...)
	}
	sp.OAuth = append(sp.OAuth, providers...)
	return nil
}

// checkOAuthFlags checks the providers of --oauth once the backends are
// answered: their routes follow the backends' names, which may now clash
// with them.
func checkOAuthFlags(sp spec.Spec, flags *pflag.FlagSet) error {
	values, _ := flags.GetStringArray("oauth")
	for _, p := range sp.Validate() {
		if strings.HasPrefix(p.Path, "oauth[") {
			return flagProblem(p, values)
		}
	}
	return nil
}

// askField asks for a new custom field of sp, one setting at a time and
// only the settings its type has, checking each answer as it is given by
// the rules authgen.yaml is checked by. An enum's values and a string's
// length come before the default, which must fit them; unique comes last,
// as a field with a default cannot be unique.
func askField(p Prompter, sp spec.Spec) (spec.Field, error) {
	var f spec.Field
	name, err := p.Input("Name of the field (snake_case)", fieldNameHelp, "", func(s string) error {
		return fieldProblem(sp, spec.Field{Name: s, Type: "string"})
	})
	if err != nil {
		return f, err
	}
	f.Name = name
	if f.Type, err = p.Select("Type of "+f.Name, fieldTypeHelp, spec.FieldTypes, "string"); err != nil {
		return f, err
	}
	switch f.Type {
	case "enum":
		f.Values, err = inputParsed(p, "Values of "+f.Name+", separated by commas", enumValuesHelp, "", func(s string) ([]string, error) {
			values := spec.SplitValues(s)
			if slices.ContainsFunc(values, func(v string) bool { return strings.Contains(v, "]") }) {
				return nil, errors.New("a value cannot hold ] here, as the --field flag could not carry it; list such values in authgen.yaml")
			}
			g := f
			g.Values = values
			return values, fieldProblem(sp, g)
		})
	case "string":
		f.MaxLength, err = inputParsed(p, "Maximum length of "+f.Name+", in characters", maxLengthHelp, strconv.Itoa(spec.DefaultStringMaxLength), func(s string) (int, error) {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("%q is not a number of characters: give a whole number, at least 1", s)
			}
			g := f
			g.MaxLength = n
			if n == spec.DefaultStringMaxLength {
				// The length a string has without one: authgen.yaml
				// need not say it.
				n = 0
			}
			return n, fieldProblem(sp, g)
		})
	}
	if err != nil {
		return f, err
	}
	if f.Required, err = p.Confirm("Is "+f.Name+" required (NOT NULL)?", requiredHelp, false); err != nil {
		return f, err
	}
	if f.Default, err = askDefault(p, sp, f); err != nil {
		return f, err
	}
	unique := f
	unique.Unique = true
	if fieldProblem(sp, unique) == nil {
		if f.Unique, err = p.Confirm("Must "+f.Name+" be unique among users?", uniqueHelp, false); err != nil {
			return f, err
		}
	}
	return f, nil
}

// askDefault asks for the default of f, returning nil for none. Only text
// can have the empty string as its value, so only for text does an empty
// answer not mean "none": a question of its own asks first whether there
// is a default.
func askDefault(p Prompter, sp spec.Spec, f spec.Field) (*string, error) {
	help := "The value registration takes when " + f.Name + " is left out, and that the rows\nalready there take; " + valueExample(f) + "."
	canonical := func(s string) (*string, error) {
		c, err := spec.CanonicalValue(f, s)
		if err != nil {
			return nil, fmt.Errorf("%q is %w", s, err)
		}
		g := f
		g.Default = &c
		return &c, fieldProblem(sp, g)
	}
	if f.Type == "string" || f.Type == "text" {
		has, err := p.Confirm("Does "+f.Name+" have a default value?", help+"\nAnswer yes to type it next: it may be the empty string.", false)
		if err != nil || !has {
			return nil, err
		}
		return inputParsed(p, "Default of "+f.Name+" (enter nothing for the empty string)", help, "", canonical)
	}
	return inputParsed(p, "Default of "+f.Name+" (enter nothing for none)", help, "", func(s string) (*string, error) {
		if s == "" {
			return nil, nil
		}
		return canonical(s)
	})
}

// valueExample tells what a value of f looks like, for the help of its
// default's question; an enum's are its values.
func valueExample(f spec.Field) string {
	switch f.Type {
	case "string", "text":
		return "any text"
	case "int":
		return "a whole number, such as 42"
	case "float":
		return "a number, such as 1.5"
	case "bool":
		return "true or false"
	case "date":
		return "a date, such as 2006-01-02"
	case "datetime":
		return "a date and time with a zone, such as 2006-01-02T15:04:05Z"
	case "uuid":
		return "a UUID, such as 01234567-89ab-cdef-0123-456789abcdef"
	}
	return "one of " + strings.Join(f.Values, ", ")
}

// inputParsed asks for a line that parse turns into a value, asking again
// while parse refuses it, and returns the value of the answer taken: the
// question is checked and read by the same function.
func inputParsed[T any](p Prompter, question, help, def string, parse func(string) (T, error)) (T, error) {
	answer, err := p.Input(question, help, def, func(s string) error {
		_, err := parse(s)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return parse(answer)
}

// fieldProblem checks f as the next custom field of sp by every rule of
// authgen.yaml, across fields too (a name taken, two names for one Go
// field).
func fieldProblem(sp spec.Spec, f spec.Field) error {
	at := fmt.Sprintf("user.fields[%d]", len(sp.Fields))
	sp.Fields = append(slices.Clip(sp.Fields), f)
	return problemAt(sp, at)
}

// problemAt returns the first problem of sp at path or under it, so that
// an answer is refused when it is given rather than when the spec it makes
// is generated, after every other question.
func problemAt(sp spec.Spec, path string) error {
	for _, p := range sp.Validate() {
		if p.Path == path || strings.HasPrefix(p.Path, path+".") {
			return errors.New(p.Message)
		}
	}
	return nil
}

// fieldFlagUsage is the help of init's --field flag.
func fieldFlagUsage() string {
	return "custom user field " + spec.FieldSyntax + ", repeatable; default= comes last and takes the rest of the flag;" +
		" an enum lists its values: plan:enum[free,pro]; types: " + strings.Join(spec.FieldTypes, ", ")
}

// equivalentCommand is the init command line that gives sp without
// asking, quoted so that it can be pasted as printed into bash or zsh.
func equivalentCommand(sp spec.Spec) string {
	args := []string{"authgen", "init", "--db", sp.Database}
	for _, b := range sp.Backends {
		args = append(args, "--backend", b.Transport+"-"+b.Strategy)
	}
	for _, o := range sp.OAuth {
		args = append(args, "--oauth", oauthFlag(o))
	}
	for _, f := range sp.Fields {
		args = append(args, "--field", f.String())
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
