// Package spec is the one home of authgen.yaml: the model of what authgen
// generates, every rule it must meet, and reading, writing and editing the
// file in place.
package spec

import (
	"errors"
	"fmt"
	"go/token"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FormatVersion is the only authgen.yaml format version this authgen reads.
const FormatVersion = 1

// Spec is the validated content of authgen.yaml.
type Spec struct {
	Version  int
	Database string
	Backends []Backend
	Fields   []Field
	// Package is the slash-separated directory of the generated package,
	// relative to the module root.
	Package string
	// Server is the directory of the generated server's main package.
	Server string
	// TokenLifetime is the lifetime of access tokens, in seconds.
	TokenLifetime int
	Cookie        Cookie
	// Password bounds the length of new passwords, in characters, and the
	// memory their hashing may take.
	Password PasswordPolicy
	// RequiresVerification refuses login (LOGIN_USER_NOT_VERIFIED) and the
	// user routes (403) to users who have not verified their email.
	RequiresVerification bool
	// ResetPasswordLifetime and VerifyLifetime are the lifetimes of the
	// reset-password and verification tokens, in seconds.
	ResetPasswordLifetime int
	VerifyLifetime        int
	// DroppedFields names the fields whose columns, and data, the next
	// migration may drop: a field removed from Fields without being listed
	// here is refused.
	DroppedFields []string
	// Security sets the limits against password guessing and floods.
	Security Security
	// OAuth are the providers users may log in with.
	OAuth []OAuthProvider
	// Docs says whether the service serves its OpenAPI document and the
	// pages that show it.
	Docs Docs
}

// Docs configures GET /openapi.json, /docs (Swagger UI) and /redoc
// (ReDoc). The document is generated either way: `authserver openapi`
// prints it.
type Docs struct {
	Enabled bool
}

// OAuthProvider is a provider users log in with through OAuth 2.0, or
// OpenID Connect, as FastAPI Users' OAuth routers serve it: a login router
// per backend it logs in through, and an association router that links a
// provider account to the current user. Its client id and secret, and
// where an oidc provider is, come from the environment.
type OAuthProvider struct {
	// Name is stored as the accounts' oauth_name, and names the routers'
	// default prefixes.
	Name string
	// Kind is oidc (any OpenID Connect provider, found through its
	// discovery document), github or google.
	Kind string
	// Logins are the login routers, one per backend.
	Logins []OAuthLogin
	// AssociatePrefix is the prefix of the association router, "" for
	// none.
	AssociatePrefix string
	// AssociateByEmail links a new provider account to the user with its
	// email, when the provider asserts the email verified, instead of
	// refusing it (OAUTH_USER_ALREADY_EXISTS).
	AssociateByEmail bool
	// IsVerifiedByDefault makes the users a provider creates verified,
	// when the provider asserts their email verified.
	IsVerifiedByDefault bool
	// Scopes are asked for unless the authorize request names others.
	Scopes []string
}

// OAuthLogin is a login router of a provider: GET Prefix/authorize and
// Prefix/callback, which log in through Backend.
type OAuthLogin struct {
	Backend string
	Prefix  string
}

// OAuthKinds are the kinds of provider: any OpenID Connect provider, and
// the presets.
var OAuthKinds = []string{"oidc", "github", "google"}

// DefaultOAuthScopes returns the scopes a provider of kind asks for
// unless authgen.yaml names others: what the login needs, an id and a
// verified email.
func DefaultOAuthScopes(kind string) []string {
	if kind == "github" {
		return []string{"read:user", "user:email"}
	}
	return []string{"openid", "email"}
}

// NewOAuthProvider returns a provider of kind with the defaults of
// authgen.yaml: a login router for every backend, at /auth/<name> for the
// first and /auth/<name>-<backend> for the others, and an association
// router at /auth/associate/<name>.
func NewOAuthProvider(name, kind string, backends []Backend) OAuthProvider {
	p := OAuthProvider{Name: name, Kind: kind, AssociatePrefix: "/auth/associate/" + name, Scopes: DefaultOAuthScopes(kind)}
	for i, b := range backends {
		prefix := "/auth/" + name
		if i > 0 {
			prefix += "-" + b.Name
		}
		p.Logins = append(p.Logins, OAuthLogin{Backend: b.Name, Prefix: prefix})
	}
	return p
}

// Security holds the limits against password guessing and floods. A
// request over a limit is answered 429 with Retry-After.
type Security struct {
	// Enabled false turns every limit off.
	Enabled bool
	// LoginAccount limits the failed logins of one account, whoever
	// tries them.
	LoginAccount AccountLimit
	// LoginAddress limits the failed logins from one client address,
	// RegisterAddress its registrations, and MailAddress the
	// reset-password and verification mails to one email address.
	LoginAddress, RegisterAddress, MailAddress RateLimit
	// TrustedProxyHeader names the header in which a trusted proxy
	// passes the client's address, such as X-Forwarded-For; empty, the
	// address is the connection's.
	TrustedProxyHeader string
}

// AccountLimit delays the logins of an account after FreeFailures failed
// ones in a row, longer after each, so that at most FailuresPerHour
// failed ones are checked in any hour.
type AccountLimit struct {
	FreeFailures    int
	FailuresPerHour int
}

// RateLimit is a bucket of Burst requests, refilled at PerHour.
type RateLimit struct {
	Burst   int
	PerHour int
}

// PasswordPolicy is the rule every new password meets before the
// ValidatePassword hook sees it, and the memory password hashing may
// take.
type PasswordPolicy struct {
	MinLength int
	MaxLength int
	// HashMemoryBudgetMiB bounds the memory of the password hashes
	// computed at once, in MiB. Each argon2id hash takes 64 MiB, so
	// without it the hashes a many-core machine runs at once would take
	// memory in proportion to its cores.
	HashMemoryBudgetMiB int
	// RequireCurrentPassword makes PATCH /users/me refuse a new password
	// unless the body also carries the current one, so that a stolen
	// token alone cannot set one and so end the owner's sessions. FastAPI
	// Users does not ask for it, hence off by default.
	RequireCurrentPassword bool
}

// Backend is one authentication backend: a transport carrying a token that
// a strategy issues and reads, served under /auth/<Name>.
type Backend struct {
	Name      string
	Transport string
	Strategy  string
}

// Cookie holds the settings of the cookie transport.
type Cookie struct {
	Name   string
	Secure bool
}

// Field is a custom field of the user model. Its JSON form is the schema
// snapshot of authgen.lock, which holds only what the columns are made of.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Required fields are NOT NULL columns; registration must give them a
	// value unless they have a default.
	Required bool `json:"required"`
	// MaxLength bounds a string field, in characters; 0 means
	// DefaultStringMaxLength.
	MaxLength int `json:"max_length,omitempty"`
	// Values are the values an enum field takes.
	Values []string `json:"values,omitempty"`
	// Default, when set, is the canonical text of the value registration
	// takes when the field is left out, and that existing rows take when
	// the field is added to them.
	Default *string `json:"default,omitempty"`
	// Unique fields have a unique index; Indexed ones a plain index.
	Unique  bool `json:"unique,omitempty"`
	Indexed bool `json:"indexed,omitempty"`
	// RenamedFrom and ChangeType instruct the next migration; they are not
	// part of the schema. RenamedFrom names the field this one was; with
	// ChangeType, a change of type (or of a string's length) converts the
	// column's values instead of being refused.
	RenamedFrom string `json:"-"`
	ChangeType  bool   `json:"-"`
}

// The values a spec may hold.
var (
	Databases  = []string{"sqlite", "postgres", "mysql"}
	transports = []string{"bearer", "cookie"}
	strategies = []string{"jwt", "database", "redis"}
	FieldTypes = []string{"string", "text", "int", "float", "bool", "date", "datetime", "uuid", "enum"}
)

// Limits of custom fields.
const (
	// DefaultStringMaxLength is the length of a string field that sets
	// none.
	DefaultStringMaxLength = 255
	maxStringLength        = 10000
	// maxIndexedStringLength keeps an index within MySQL's 3072 bytes of
	// four-byte characters.
	maxIndexedStringLength = 768
	MaxEnumValueLength     = 64
)

// Default values of a spec.
const (
	DefaultDatabase      = "sqlite"
	DefaultPackage       = "internal/auth"
	DefaultServer        = "cmd/authserver"
	DefaultTokenLifetime = 3600
	DefaultCookieName    = "fastapiusersauth"
	// DefaultPasswordMinLength and DefaultPasswordMaxLength bound new
	// passwords unless authgen.yaml says otherwise.
	DefaultPasswordMinLength = 8
	DefaultPasswordMaxLength = 128
	maxPasswordLength        = 1024
	// DefaultHashMemoryBudgetMiB lets four argon2id hashes run at once.
	// The budget is at least one hash's memory (hashMemoryMiB) and at
	// most maxHashMemoryBudgetMiB, which is more than a machine that
	// serves logins has.
	DefaultHashMemoryBudgetMiB = 256
	hashMemoryMiB              = 64
	maxHashMemoryBudgetMiB     = 65536
	// maxAccountFailuresPerHour is what NIST SP 800-63B allows at most.
	maxAccountFailuresPerHour = 100
	maxBurst                  = 1_000_000
	maxPerHour                = 100_000_000
)

// DefaultSecurity are the limits of a spec that sets none. They leave
// honest traffic alone: a client running FastAPI Users' whole contract
// from one address, hundreds of registrations and logins in a minute with
// a wrong password now and then, never meets one.
func DefaultSecurity() Security {
	return Security{
		Enabled:         true,
		LoginAccount:    AccountLimit{FreeFailures: 5, FailuresPerHour: 100},
		LoginAddress:    RateLimit{Burst: 100, PerHour: 1000},
		RegisterAddress: RateLimit{Burst: 500, PerHour: 3600},
		MailAddress:     RateLimit{Burst: 5, PerHour: 20},
	}
}

// defaultBackends are the backends of the FastAPI Users documentation's
// flow: a bearer JWT under /auth/jwt and a cookie JWT under /auth/cookie.
func defaultBackends() []Backend {
	return []Backend{
		{Name: "jwt", Transport: "bearer", Strategy: "jwt"},
		{Name: "cookie", Transport: "cookie", Strategy: "jwt"},
	}
}

// DefaultSpec returns the spec that `authgen init --yes` writes.
func DefaultSpec() Spec {
	return Spec{
		Version:       FormatVersion,
		Database:      DefaultDatabase,
		Backends:      defaultBackends(),
		Package:       DefaultPackage,
		Server:        DefaultServer,
		TokenLifetime: DefaultTokenLifetime,
		Cookie:        Cookie{Name: DefaultCookieName, Secure: true},
		Password:      PasswordPolicy{MinLength: DefaultPasswordMinLength, MaxLength: DefaultPasswordMaxLength, HashMemoryBudgetMiB: DefaultHashMemoryBudgetMiB},

		ResetPasswordLifetime: DefaultTokenLifetime,
		VerifyLifetime:        DefaultTokenLifetime,
		Security:              DefaultSecurity(),
		Docs:                  Docs{Enabled: true},
	}
}

// BackendKinds are the transport-strategy pairs offered by flags and
// prompts, in the form "bearer-jwt".
func BackendKinds() []string {
	var kinds []string
	for _, t := range transports {
		for _, s := range strategies {
			kinds = append(kinds, t+"-"+s)
		}
	}
	return kinds
}

// BackendFromKind returns the backend for a kind such as "cookie-jwt". The
// JWT backends are named as FastAPI Users' documentation names them (jwt,
// cookie); the others after their strategy: db, redis, cookie-db and
// cookie-redis.
func BackendFromKind(kind string) (Backend, error) {
	transport, strategy, ok := strings.Cut(kind, "-")
	if !ok || !slices.Contains(transports, transport) || !slices.Contains(strategies, strategy) {
		return Backend{}, fmt.Errorf("unknown backend %q (allowed: %s)", kind, strings.Join(BackendKinds(), ", "))
	}
	name := map[string]string{"jwt": "jwt", "database": "db", "redis": "redis"}[strategy]
	if transport == "cookie" {
		name = "cookie-" + name
		if strategy == "jwt" {
			name = "cookie"
		}
	}
	return Backend{Name: name, Transport: transport, Strategy: strategy}, nil
}

// FieldSyntax is the flag form of a custom field, as ParseField reads it
// and Field.String writes it. An enum's type lists its values:
// plan:enum[free,pro]. The settings may come in any order, but default=
// comes last and takes the rest, so that a default may hold any text,
// colons included, and may be empty.
const FieldSyntax = "name:type[:required][:unique][:indexed][:max_length=N][:default=VALUE]"

// ParseField parses the flag form of a custom field, FieldSyntax, and
// checks the field on its own.
func ParseField(s string) (Field, error) {
	name, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Field{}, fmt.Errorf("field %q: want %s", s, FieldSyntax)
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
	f := Field{Name: name, Type: rest[:end]}
	if values, ok := strings.CutPrefix(f.Type, "enum["); ok && strings.HasSuffix(values, "]") {
		f.Type, f.Values = "enum", SplitValues(strings.TrimSuffix(values, "]"))
	}
	settings := rest[end:]
	if settings != "" && settings[0] != ':' {
		return f, fmt.Errorf("field %q: %q follows the type; want %s", s, settings, FieldSyntax)
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
		case setting == "indexed":
			f.Indexed = true
		case key == "max_length":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return f, fmt.Errorf("field %q: max_length=%s: want a whole number of characters, at least 1", s, value)
			}
			f.MaxLength = n
		default:
			return f, fmt.Errorf("field %q: unknown setting %q; want %s", s, setting, FieldSyntax)
		}
		if seen[key] {
			return f, fmt.Errorf("field %q: %s is given twice", s, key)
		}
		seen[key] = true
	}
	return f, f.Validate()
}

// String returns the flag form of the field, which ParseField reads back
// as the same field, but for what the form cannot hold: enum values with a
// comma or a ], and renamed_from and change_type, which instruct one
// migration rather than describe the field.
func (f Field) String() string {
	s := f.Name + ":" + f.Type
	if f.Type == "enum" {
		s = f.Name + ":enum[" + strings.Join(f.Values, ",") + "]"
	}
	if f.Required {
		s += ":required"
	}
	if f.Unique {
		s += ":unique"
	}
	if f.Indexed {
		s += ":indexed"
	}
	if f.MaxLength != 0 {
		s += ":max_length=" + strconv.Itoa(f.MaxLength)
	}
	if f.Default != nil {
		s += ":default=" + *f.Default
	}
	return s
}

var (
	fieldNamePattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	backendNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	dirElemPattern     = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
)

// reservedFieldNames are the names a custom field may not take: the base
// user columns, their JSON aliases, and words reserved in the SQL of
// SQLite, PostgreSQL or MySQL, which would break the generated queries.
var reservedFieldNames = []string{
	"id", "email", "normalized_email", "password", "hashed_password",
	"is_active", "is_superuser", "is_verified", "oauth_accounts", "user", "users",

	"accessible", "add", "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc",
	"asymmetric", "authorization", "before", "between", "binary", "both", "by", "call", "cascade",
	"case", "cast", "change", "char", "character", "check", "collate", "column", "condition",
	"constraint", "create", "cross", "current_date", "current_role", "current_time",
	"current_timestamp", "current_user", "cursor", "database", "databases", "dec", "decimal",
	"declare", "default", "deferrable", "delete", "desc", "describe", "distinct", "div", "do",
	"double", "drop", "dual", "each", "else", "elseif", "end", "except", "exists", "exit",
	"explain", "false", "fetch", "float", "for", "force", "foreign", "freeze", "from", "full",
	"fulltext", "grant", "group", "having", "if", "ignore", "ilike", "in", "index", "inner",
	"insert", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "key",
	"keys", "kill", "lateral", "leading", "leave", "left", "like", "limit", "load", "localtime",
	"localtimestamp", "lock", "long", "loop", "match", "mod", "natural", "not", "notnull", "null",
	"numeric", "offset", "on", "only", "option", "or", "order", "out", "outer", "over", "partition",
	"placing", "precision", "primary", "procedure", "range", "read", "real", "references",
	"regexp", "release", "rename", "repeat", "replace", "require", "restrict", "return",
	"returning", "revoke", "right", "rlike", "row", "rows", "schema", "select", "session_user",
	"set", "show", "similar", "smallint", "some", "sql", "symmetric", "table", "tablesample",
	"then", "to", "trailing", "trigger", "true", "union", "unique", "unlock", "unsigned", "update",
	"usage", "use", "using", "values", "varchar", "variadic", "verbose", "when", "where", "while",
	"window", "with", "write", "xor", "zerofill",
}

// validateFieldName reports whether name can be a custom field.
func validateFieldName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("field name is empty")
	case !fieldNamePattern.MatchString(name):
		return fmt.Errorf("field name %q must be snake_case: a lower-case letter, then lower-case letters, digits or _", name)
	case len(name) > 63:
		return fmt.Errorf("field name %q is longer than 63 characters", name)
	case slices.Contains(reservedFieldNames, name) || token.IsKeyword(name):
		return fmt.Errorf("field name %q is reserved (a base field, a Go keyword or an SQL word); choose another name, such as %q", name, name+"_value")
	}
	return nil
}

// StringMaxLength returns the length bound of a string field.
func (f Field) StringMaxLength() int {
	if f.MaxLength == 0 {
		return DefaultStringMaxLength
	}
	return f.MaxLength
}

// SplitValues splits a comma-separated list of enum values, as a flag or
// a prompt gives them, trimming the spaces around each: "free, pro" is
// free and pro.
func SplitValues(list string) []string {
	values := strings.Split(list, ",")
	for i, v := range values {
		values[i] = strings.TrimSpace(v)
	}
	return values
}

// Validate checks the field on its own, as authgen.yaml's user.fields
// would be checked.
func (f Field) Validate() error {
	_, err := f.check()
	return err
}

// check validates the field and returns, with the error, the key of the
// field the error is about ("" for the item as a whole), so that a message
// points at that key's own line.
func (f Field) check() (key string, err error) {
	fail := func(key, format string, args ...any) (string, error) {
		return key, fmt.Errorf("field %q: "+format, append([]any{f.Name}, args...)...)
	}
	if err := validateFieldName(f.Name); err != nil {
		return "name", err
	}
	if !slices.Contains(FieldTypes, f.Type) {
		return fail("type", "unknown type %q (allowed: %s)", f.Type, strings.Join(FieldTypes, ", "))
	}
	switch {
	case f.MaxLength != 0 && f.Type != "string":
		return fail("max_length", "max_length is for string fields; %s has none", f.Type)
	case f.MaxLength < 0 || f.MaxLength > maxStringLength:
		return fail("max_length", "max_length %d is out of range; use 1 to %d, or type text", f.MaxLength, maxStringLength)
	case f.Type == "enum" && len(f.Values) == 0:
		return fail("type", "an enum needs values, such as values: [free, pro]")
	case f.Type != "enum" && len(f.Values) > 0:
		return fail("values", "values are for enum fields; %s takes any value of its type", f.Type)
	case (f.Unique || f.Indexed) && f.Type == "text":
		return fail(indexKey(f), "a text field cannot be unique or indexed; use type string (up to %d characters)", maxIndexedStringLength)
	case (f.Unique || f.Indexed) && f.StringMaxLength() > maxIndexedStringLength && f.Type == "string":
		return fail(indexKey(f), "an index holds strings of at most %d characters; lower max_length", maxIndexedStringLength)
	case f.Unique && f.Type != "string" && f.Type != "int" && f.Type != "uuid":
		return fail("unique", "only string, int and uuid fields can be unique; index a %s field with indexed: true", f.Type)
	case f.Unique && f.Indexed:
		return fail("indexed", "unique already indexes the field; drop indexed")
	case f.Unique && f.Default != nil:
		return fail("default", "a unique field cannot have a default, which every row left without a value would share")
	case f.RenamedFrom == f.Name:
		return fail("renamed_from", "renamed_from names the field itself")
	}
	seen := map[string]bool{}
	for _, v := range f.Values {
		switch {
		case v == "" || utf8.RuneCountInString(v) > MaxEnumValueLength || strings.ContainsRune(v, 0):
			return fail("values", "enum value %q must have 1 to %d characters", v, MaxEnumValueLength)
		case strings.TrimSpace(v) != v:
			return fail("values", "enum value %q has spaces around it, which a client would have to send too; remove them", v)
		case seen[v]:
			return fail("values", "enum value %q is listed twice", v)
		}
		seen[v] = true
	}
	if f.RenamedFrom != "" {
		if err := validateFieldName(f.RenamedFrom); err != nil {
			return fail("renamed_from", "renamed_from: %w", err)
		}
	}
	if f.Default != nil {
		if _, err := CanonicalValue(f, *f.Default); err != nil {
			return fail("default", "default %q: %w", *f.Default, err)
		}
	}
	return "", nil
}

// indexKey is the key that makes f indexed, for messages about its index.
func indexKey(f Field) string {
	if f.Unique {
		return "unique"
	}
	return "indexed"
}

// CanonicalValue checks that text is a value of field f and returns its
// canonical text: the form authgen.lock records and the generated code
// compares.
func CanonicalValue(f Field, text string) (string, error) {
	switch f.Type {
	case "string", "text":
		if strings.ContainsRune(text, 0) || !utf8.ValidString(text) {
			return "", errors.New("not valid text")
		}
		if f.Type == "string" && utf8.RuneCountInString(text) > f.StringMaxLength() {
			return "", fmt.Errorf("longer than max_length %d", f.StringMaxLength())
		}
		return text, nil
	case "int":
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return "", errors.New("not a whole number")
		}
		return strconv.FormatInt(n, 10), nil
	case "float":
		x, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return "", errors.New("not a finite number")
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case "bool":
		b, err := strconv.ParseBool(text)
		if err != nil || (text != "true" && text != "false") {
			return "", errors.New("not true or false")
		}
		return strconv.FormatBool(b), nil
	case "date":
		d, err := time.Parse(time.DateOnly, text)
		if err != nil {
			return "", errors.New("not a date of the form 2006-01-02")
		}
		return d.Format(time.DateOnly), nil
	case "datetime":
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return "", errors.New("not a date and time with a zone, such as 2006-01-02T15:04:05Z")
		}
		return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano), nil
	case "uuid":
		if !uuidPattern.MatchString(text) {
			return "", errors.New("not a UUID of the form 01234567-89ab-cdef-0123-456789abcdef")
		}
		return strings.ToLower(text), nil
	case "enum":
		if !slices.Contains(f.Values, text) {
			return "", fmt.Errorf("not one of the values %s", strings.Join(f.Values, ", "))
		}
		return text, nil
	}
	return "", fmt.Errorf("unknown type %q", f.Type)
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Schema returns the field as the schema snapshot records it: without the
// instructions to the next migration, and with its default canonical.
func (f Field) Schema() Field {
	f.RenamedFrom, f.ChangeType = "", false
	if f.Default != nil {
		if c, err := CanonicalValue(f, *f.Default); err == nil {
			f.Default = &c
		}
	}
	if f.MaxLength == DefaultStringMaxLength {
		f.MaxLength = 0
	}
	return f
}

// SameDefault reports whether two defaults are the same: both none, or
// the same text.
func SameDefault(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// validateDir reports whether dir is a usable output directory: relative,
// clean, slash-separated and inside the module.
func validateDir(dir string) error {
	switch {
	case dir == "":
		return fmt.Errorf("directory is empty")
	case strings.Contains(dir, `\`):
		return fmt.Errorf("directory %q must use forward slashes", dir)
	case path.IsAbs(dir):
		return fmt.Errorf("directory %q must be relative to the module root", dir)
	case path.Clean(dir) != dir || dir == "." || strings.HasPrefix(dir, "../"):
		return fmt.Errorf("directory %q must be a clean path inside the module, like internal/auth", dir)
	}
	for _, elem := range strings.Split(dir, "/") {
		if !dirElemPattern.MatchString(elem) {
			return fmt.Errorf("directory %q: element %q must be lower-case letters, digits, - or _", dir, elem)
		}
	}
	return nil
}

// Problem is one thing wrong with a spec, at a path such as
// "backends[1].transport".
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Validate checks the spec as a whole and returns every problem found, or
// nil.
func (s Spec) Validate() []Problem {
	var problems []Problem
	add := func(path, format string, args ...any) {
		problems = append(problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if s.Version != FormatVersion {
		add("version", "%d is not supported; set it to %d", s.Version, FormatVersion)
	}
	if !slices.Contains(Databases, s.Database) {
		add("database", "%q is not supported (allowed: %s)", s.Database, strings.Join(Databases, ", "))
	}
	if len(s.Backends) == 0 {
		add("backends", "at least one backend is needed (allowed: %s)", strings.Join(BackendKinds(), ", "))
	}
	names := map[string]bool{}
	for i, b := range s.Backends {
		at := fmt.Sprintf("backends[%d]", i)
		switch {
		case !backendNamePattern.MatchString(b.Name):
			add(at+".name", "%q must be lower-case letters, digits or -", b.Name)
		case names[b.Name]:
			add(at+".name", "%q is used twice; each backend needs its own route prefix /auth/<name>", b.Name)
		}
		names[b.Name] = true
		if !slices.Contains(transports, b.Transport) {
			add(at+".transport", "%q is not supported (allowed: %s)", b.Transport, strings.Join(transports, ", "))
		}
		if !slices.Contains(strategies, b.Strategy) {
			add(at+".strategy", "%q is not supported (allowed: %s)", b.Strategy, strings.Join(strategies, ", "))
		}
	}
	fields := map[string]bool{}
	renamed := map[string]bool{}
	// The Go names of the User struct's fields: two names that differ only
	// in underscores would collide there.
	goNames := map[string]string{"ID": "id", "Email": "email", "HashedPassword": "hashed_password", "IsActive": "is_active", "IsSuperuser": "is_superuser", "IsVerified": "is_verified"}
	for i, f := range s.Fields {
		at := fmt.Sprintf("user.fields[%d]", i)
		if key, err := f.check(); err != nil {
			add(strings.TrimSuffix(at+"."+key, "."), "%v", err)
		} else if fields[f.Name] {
			add(at+".name", "field %q is declared twice", f.Name)
		} else if other, ok := goNames[GoName(f.Name)]; ok {
			add(at+".name", "%q and %q both become the Go field %s; rename one", other, f.Name, GoName(f.Name))
		}
		fields[f.Name] = true
		goNames[GoName(f.Name)] = f.Name
		if f.RenamedFrom != "" {
			if renamed[f.RenamedFrom] {
				add(at+".renamed_from", "two fields are renamed from %q", f.RenamedFrom)
			}
			renamed[f.RenamedFrom] = true
		}
	}
	for i, name := range s.DroppedFields {
		at := fmt.Sprintf("user.dropped_fields[%d]", i)
		switch err := validateFieldName(name); {
		case err != nil:
			add(at, "%v", err)
		case fields[name]:
			add(at, "%q is also in user.fields; a field is either kept or dropped", name)
		case renamed[name]:
			add(at, "%q is also a renamed_from; a renamed field keeps its data", name)
		}
	}
	if err := validateDir(s.Package); err != nil {
		add("output.package", "%v", err)
	} else if name := path.Base(s.Package); strings.Contains(name, "-") {
		add("output.package", "the last element %q is not a valid Go package name; use letters, digits and _", name)
	}
	if err := validateDir(s.Server); err != nil {
		add("output.server", "%v", err)
	} else if s.Package == s.Server {
		add("output.server", "must differ from output.package")
	}
	for _, l := range []struct {
		path    string
		seconds int
	}{
		{"tokens.lifetime_seconds", s.TokenLifetime},
		{"tokens.reset_password_lifetime_seconds", s.ResetPasswordLifetime},
		{"tokens.verify_lifetime_seconds", s.VerifyLifetime},
	} {
		if l.seconds < 60 || l.seconds > 30*24*3600 {
			add(l.path, "%d is out of range; use 60 to 2592000 (30 days)", l.seconds)
		}
	}
	if p := s.Password; p.MinLength < 1 || p.MinLength > p.MaxLength {
		add("password.min_length", "%d must be at least 1 and at most password.max_length (%d)", p.MinLength, p.MaxLength)
	} else if p.MaxLength > maxPasswordLength {
		add("password.max_length", "%d is over %d; hashing longer passwords only costs time", p.MaxLength, maxPasswordLength)
	}
	if b := s.Password.HashMemoryBudgetMiB; b < hashMemoryMiB || b > maxHashMemoryBudgetMiB {
		add("password.hash_memory_budget_mib", "%d is out of range; use %d (one argon2id hash takes %d MiB) to %d",
			b, hashMemoryMiB, hashMemoryMiB, maxHashMemoryBudgetMiB)
	}
	validateSecurity(s.Security, add)
	s.validateOAuth(add)
	if s.usesTransport("cookie") && !cookieNamePattern.MatchString(s.Cookie.Name) {
		add("cookie.name", "%q is not a valid cookie name (letters, digits, - and _)", s.Cookie.Name)
	}
	return problems
}

var (
	cookieNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	headerNamePattern = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
)

// validateOAuth checks the providers and their routers, whose prefixes
// must be clean paths apart from each other and from the backends'.
func (s Spec) validateOAuth(add func(path, format string, args ...any)) {
	providers := map[string]bool{}
	prefixes := map[string]string{}
	for _, b := range s.Backends {
		prefixes["/auth/"+b.Name] = "backend " + b.Name
	}
	prefixes["/auth"], prefixes["/users"] = "the service's own routes", "the service's own routes"
	claim := func(at, prefix, owner string) {
		switch {
		case !strings.HasPrefix(prefix, "/") || path.Clean(prefix) != prefix || prefix == "/" || !oauthPrefixPattern.MatchString(prefix):
			add(at, "%q is not a route prefix: a clean path such as /auth/google, of lower-case letters, digits, - and /", prefix)
		case prefixes[prefix] != "":
			add(at, "%q is taken by %s; give each router a prefix of its own", prefix, prefixes[prefix])
		default:
			prefixes[prefix] = owner
		}
	}
	for i, p := range s.OAuth {
		at := fmt.Sprintf("oauth[%d]", i)
		switch {
		case !backendNamePattern.MatchString(p.Name) || len(p.Name) > 100:
			add(at+".name", "%q must be lower-case letters, digits or -, such as google", p.Name)
		case providers[p.Name]:
			add(at+".name", "%q is used twice; each provider needs a name of its own", p.Name)
		}
		providers[p.Name] = true
		if !slices.Contains(OAuthKinds, p.Kind) {
			add(at+".kind", "%q is not supported (allowed: %s)", p.Kind, strings.Join(OAuthKinds, ", "))
		}
		backends := map[string]bool{}
		for j, l := range p.Logins {
			lat := fmt.Sprintf("%s.logins[%d]", at, j)
			switch {
			case !slices.ContainsFunc(s.Backends, func(b Backend) bool { return b.Name == l.Backend }):
				add(lat+".backend", "%q is no backend of backends", l.Backend)
			case backends[l.Backend]:
				add(lat+".backend", "%q has two login routers; one is enough", l.Backend)
			}
			backends[l.Backend] = true
			claim(lat+".prefix", l.Prefix, fmt.Sprintf("the %s login router of %s", l.Backend, p.Name))
		}
		if p.AssociatePrefix != "" {
			claim(at+".associate_prefix", p.AssociatePrefix, "the association router of "+p.Name)
		}
		if len(p.Logins) == 0 && p.AssociatePrefix == "" {
			add(at+".logins", "provider %q has no router; give it a login router or an associate_prefix", p.Name)
		}
		if len(p.Logins) > 0 {
			// A login creates users with the fields' defaults; a unique
			// field has none, so a required one would hold the same
			// empty value in every such user.
			for _, f := range s.Fields {
				if f.Required && f.Unique {
					add(at+".logins", "provider %q creates users at login, but user field %q is required and unique, which no created user can fill; make the field optional, or leave the provider only an associate_prefix", p.Name, f.Name)
				}
			}
		}
		for j, scope := range p.Scopes {
			if scope == "" || strings.ContainsFunc(scope, func(r rune) bool { return r <= ' ' || r == '"' || r == '\\' || r > '~' }) {
				add(fmt.Sprintf("%s.scopes[%d]", at, j), "%q is not a scope: printable ASCII without spaces, quotes or backslashes", scope)
			}
		}
	}
}

var oauthPrefixPattern = regexp.MustCompile(`^(/[a-z0-9][a-z0-9-]*)+$`)

// validateSecurity checks the limits of the security section. The limits
// are checked even when they are off, so that turning them on needs no
// other edit.
func validateSecurity(sec Security, add func(path, format string, args ...any)) {
	a := sec.LoginAccount
	if a.FailuresPerHour < 2 || a.FailuresPerHour > maxAccountFailuresPerHour {
		add("security.login_account.failures_per_hour", "%d is out of range; use 2 to %d (NIST SP 800-63B allows at most %d)",
			a.FailuresPerHour, maxAccountFailuresPerHour, maxAccountFailuresPerHour)
	} else if a.FreeFailures < 1 || a.FreeFailures > a.FailuresPerHour/2 {
		add("security.login_account.free_failures", "%d is out of range; use 1 to half of failures_per_hour (%d)",
			a.FreeFailures, a.FailuresPerHour/2)
	}
	for _, l := range []struct {
		path  string
		limit RateLimit
	}{
		{"security.login_address", sec.LoginAddress},
		{"security.register_address", sec.RegisterAddress},
		{"security.mail_address", sec.MailAddress},
	} {
		if l.limit.Burst < 1 || l.limit.Burst > maxBurst {
			add(l.path+".burst", "%d is out of range; use 1 to %d", l.limit.Burst, maxBurst)
		}
		if l.limit.PerHour < 1 || l.limit.PerHour > maxPerHour {
			add(l.path+".per_hour", "%d is out of range; use 1 to %d", l.limit.PerHour, maxPerHour)
		}
	}
	if h := sec.TrustedProxyHeader; h != "" && !headerNamePattern.MatchString(h) {
		add("security.trusted_proxy_header", "%q is not a header name (letters, digits and -), such as X-Forwarded-For", h)
	}
}

func (s Spec) usesTransport(t string) bool {
	return slices.ContainsFunc(s.Backends, func(b Backend) bool { return b.Transport == t })
}

// UsesStrategy reports whether a backend of s uses the strategy.
func (s Spec) UsesStrategy(strategy string) bool {
	return slices.ContainsFunc(s.Backends, func(b Backend) bool { return b.Strategy == strategy })
}

// FileName is the name of the spec file in the module root.
const FileName = "authgen.yaml"

// commonInitialisms are the words Go writes in capitals, as golint does.
var commonInitialisms = map[string]bool{
	"api": true, "ascii": true, "cpu": true, "css": true, "dns": true, "eof": true, "guid": true,
	"html": true, "http": true, "https": true, "id": true, "ip": true, "json": true, "os": true,
	"sql": true, "ssh": true, "tcp": true, "tls": true, "ttl": true, "udp": true, "ui": true,
	"uid": true, "uri": true, "url": true, "utf8": true, "uuid": true, "xml": true,
}

// GoName turns a snake_case name into an exported Go name: first_name
// becomes FirstName, avatar_url becomes AvatarURL.
func GoName(snake string) string {
	var b strings.Builder
	for _, word := range strings.Split(snake, "_") {
		if word == "" {
			continue
		}
		if commonInitialisms[word] {
			b.WriteString(strings.ToUpper(word))
			continue
		}
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}
