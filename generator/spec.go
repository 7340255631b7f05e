// Package generator turns an authgen spec into a plan of files: the
// generated authentication service, its migrations and its scaffolds.
//
// Generate is a pure function: it reads no disk and writes nothing. The
// commands apply, print or check the Plan it returns.
package generator

import (
	"fmt"
	"go/token"
	"path"
	"regexp"
	"slices"
	"strings"
)

// SpecVersion is the only authgen.yaml format version this authgen reads.
const SpecVersion = 1

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
	// Password bounds the length of new passwords, in characters.
	Password PasswordPolicy
	// RequiresVerification refuses login (LOGIN_USER_NOT_VERIFIED) and the
	// user routes (403) to users who have not verified their email.
	RequiresVerification bool
	// ResetPasswordLifetime and VerifyLifetime are the lifetimes of the
	// reset-password and verification tokens, in seconds.
	ResetPasswordLifetime int
	VerifyLifetime        int
}

// PasswordPolicy is the rule every new password meets before the
// ValidatePassword hook sees it.
type PasswordPolicy struct {
	MinLength int
	MaxLength int
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

// Field is a custom field of the user model.
type Field struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
}

// The values a spec may hold.
var (
	Databases  = []string{"sqlite", "postgres", "mysql"}
	Transports = []string{"bearer", "cookie"}
	Strategies = []string{"jwt", "database", "redis"}
	FieldTypes = []string{"string", "text", "int", "float", "bool"}
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
)

// DefaultBackends are the backends of the FastAPI Users documentation's
// flow: a bearer JWT under /auth/jwt and a cookie JWT under /auth/cookie.
func DefaultBackends() []Backend {
	return []Backend{
		{Name: "jwt", Transport: "bearer", Strategy: "jwt"},
		{Name: "cookie", Transport: "cookie", Strategy: "jwt"},
	}
}

// DefaultSpec returns the spec that `authgen init --yes` writes.
func DefaultSpec() Spec {
	return Spec{
		Version:       SpecVersion,
		Database:      DefaultDatabase,
		Backends:      DefaultBackends(),
		Package:       DefaultPackage,
		Server:        DefaultServer,
		TokenLifetime: DefaultTokenLifetime,
		Cookie:        Cookie{Name: DefaultCookieName, Secure: true},
		Password:      PasswordPolicy{MinLength: DefaultPasswordMinLength, MaxLength: DefaultPasswordMaxLength},

		ResetPasswordLifetime: DefaultTokenLifetime,
		VerifyLifetime:        DefaultTokenLifetime,
	}
}

// BackendKinds are the transport-strategy pairs offered by flags and
// prompts, in the form "bearer-jwt".
func BackendKinds() []string {
	var kinds []string
	for _, t := range Transports {
		for _, s := range Strategies {
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
	if !ok || !slices.Contains(Transports, transport) || !slices.Contains(Strategies, strategy) {
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

// ParseField parses the flag form of a custom field, "name:type" or
// "name:type:required".
func ParseField(s string) (Field, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return Field{}, fmt.Errorf("field %q: want name:type or name:type:required", s)
	}
	f := Field{Name: parts[0], Type: parts[1]}
	if len(parts) == 3 {
		switch parts[2] {
		case "required":
			f.Required = true
		case "optional":
		default:
			return Field{}, fmt.Errorf("field %q: the third part must be \"required\" or \"optional\"", s)
		}
	}
	return f, f.validate()
}

// String returns the flag form of the field.
func (f Field) String() string {
	if f.Required {
		return f.Name + ":" + f.Type + ":required"
	}
	return f.Name + ":" + f.Type
}

var (
	fieldNamePattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	backendNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	dirElemPattern     = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
)

// reservedFieldNames are the names a custom field may not take: the base
// user columns, their JSON aliases, and words that break SQL or Go code.
var reservedFieldNames = []string{
	"id", "email", "normalized_email", "password", "hashed_password",
	"is_active", "is_superuser", "is_verified", "oauth_accounts",
	"user", "users", "select", "from", "where", "table", "order", "group",
	"index", "key", "primary", "references", "default", "check", "limit", "offset",
}

// ValidateFieldName reports whether name can be a custom field.
func ValidateFieldName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("field name is empty")
	case !fieldNamePattern.MatchString(name):
		return fmt.Errorf("field name %q must be snake_case: a lower-case letter, then lower-case letters, digits or _", name)
	case len(name) > 63:
		return fmt.Errorf("field name %q is longer than 63 characters", name)
	case slices.Contains(reservedFieldNames, name) || token.IsKeyword(name):
		return fmt.Errorf("field name %q is reserved; choose another name", name)
	}
	return nil
}

func (f Field) validate() error {
	if err := ValidateFieldName(f.Name); err != nil {
		return err
	}
	if !slices.Contains(FieldTypes, f.Type) {
		return fmt.Errorf("field %q: unknown type %q (allowed: %s)", f.Name, f.Type, strings.Join(FieldTypes, ", "))
	}
	return nil
}

// ValidateDir reports whether dir is a usable output directory: relative,
// clean, slash-separated and inside the module.
func ValidateDir(dir string) error {
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
	if s.Version != SpecVersion {
		add("version", "%d is not supported; set it to %d", s.Version, SpecVersion)
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
		if !slices.Contains(Transports, b.Transport) {
			add(at+".transport", "%q is not supported (allowed: %s)", b.Transport, strings.Join(Transports, ", "))
		}
		if !slices.Contains(Strategies, b.Strategy) {
			add(at+".strategy", "%q is not supported (allowed: %s)", b.Strategy, strings.Join(Strategies, ", "))
		}
	}
	fields := map[string]bool{}
	for i, f := range s.Fields {
		at := fmt.Sprintf("user.fields[%d]", i)
		if err := f.validate(); err != nil {
			add(at, "%v", err)
		} else if fields[f.Name] {
			add(at+".name", "field %q is declared twice", f.Name)
		}
		fields[f.Name] = true
	}
	if err := ValidateDir(s.Package); err != nil {
		add("output.package", "%v", err)
	}
	if err := ValidateDir(s.Server); err != nil {
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
	if s.usesTransport("cookie") && !cookieNamePattern.MatchString(s.Cookie.Name) {
		add("cookie.name", "%q is not a valid cookie name (letters, digits, - and _)", s.Cookie.Name)
	}
	return problems
}

var cookieNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (s Spec) usesTransport(t string) bool {
	return slices.ContainsFunc(s.Backends, func(b Backend) bool { return b.Transport == t })
}

// UsesStrategy reports whether a backend of s uses the strategy.
func (s Spec) UsesStrategy(strategy string) bool {
	return slices.ContainsFunc(s.Backends, func(b Backend) bool { return b.Strategy == strategy })
}
