package generator

import (
	"fmt"
	"path"
	"strings"

	"github.com/authgen/authgen/spec"
)

// view is what the templates read: every decision that depends on the
// spec (Go types, SQL types, queries, names) is made here, in Go, so that
// the templates stay free of logic and of dialects.
type view struct {
	Module     string
	Package    string // Go package name of the generated package
	PackageDir string
	ImportPath string
	ServerDir  string

	// Dialect is the SQL, and what else differs, of the spec's database.
	Dialect  dialect
	Backends []backendView
	// HasCookie is set when any backend uses the cookie transport.
	HasCookie bool
	// HasBearer is set when any backend uses the bearer transport.
	HasBearer bool
	// HasJWT, HasDatabaseStrategy and HasRedis are set when a backend uses
	// the strategy.
	HasJWT              bool
	HasDatabaseStrategy bool
	HasRedis            bool
	// NeedsTestServer is set when the generated tests need a server
	// named in the environment: a database that is not embedded, or
	// Redis.
	NeedsTestServer bool

	Fields []fieldView
	// Uses records which value decoders and types the custom fields need,
	// so that the generated code has none it does not call.
	Uses uses
	// HasOptionalFields is set when a custom field other than a datetime
	// may be null: one compared with sameValue.
	HasOptionalFields bool
	// RequiredFields lists the custom fields registration requires: those
	// without null nor a default.
	RequiredFields []string
	// Indexes are the statements that create the custom fields' indexes.
	Indexes []string
	// UniqueFields are the custom fields with a unique index.
	UniqueFields []fieldView

	TokenLifetime int
	Cookie        spec.Cookie
	Password      spec.PasswordPolicy

	RequiresVerification  bool
	ResetPasswordLifetime int
	VerifyLifetime        int
	// Security are the limits against guessing and floods; their counts
	// are kept in Redis when the service has it, else in the database
	// (RateLimitsInDatabase).
	Security             spec.Security
	RateLimitsInDatabase bool
	// DocsEnabled is the default of Config.Docs.Enabled: whether the
	// service serves its OpenAPI document and its pages.
	DocsEnabled bool

	// OAuth are the providers users log in with; HasOAuth is set when
	// there is one, HasOIDC when one is found through OpenID Connect
	// discovery (kinds oidc and google), HasGitHub when one is GitHub.
	OAuth     []oauthView
	HasOAuth  bool
	HasOIDC   bool
	HasGitHub bool
	// FirstOIDC and FirstGitHub name the first OpenID Connect and the
	// first GitHub provider, "" for none: the providers the generated
	// tests drive against fakes of them.
	FirstOIDC, FirstGitHub string

	SQL sqlView
}

// oauthView is a provider of authgen.yaml's oauth section.
type oauthView struct {
	Name string
	Kind string
	// EnvName is the name in the provider's environment variables:
	// OAUTH_<EnvName>_CLIENT_ID.
	EnvName             string
	Logins              []oauthLoginView
	AssociatePrefix     string
	AssociateByEmail    bool
	IsVerifiedByDefault bool
	Scopes              []string
}

// oauthLoginView is a login router of a provider.
type oauthLoginView struct {
	Backend string
	Prefix  string
	// EnvName is the backend's name in the router's environment
	// variable: OAUTH_<provider>_<EnvName>_REDIRECT_URL.
	EnvName string
}

// envName returns name as it appears in an environment variable's
// name: upper-cased, with - as _.
func envName(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

type backendView struct {
	Name      string
	Prefix    string // "/auth/jwt"
	Transport string
	Strategy  string
}

type fieldView struct {
	Name     string // JSON key and SQL column
	GoName   string // exported Go field name
	GoType   string // type of the User field: string, *int64, ...
	Required bool
	// Decoder is the Go expression of the value decoder of the field's
	// non-null values.
	Decoder string
	// Default is the Go expression of the field's default, of GoType, and
	// DefaultJSON its JSON; both "" when it has none.
	Default, DefaultJSON string
	// Column is the column's definition in the migrations; Index, when
	// set, the statement that indexes it.
	Column string
	Index  string
	// Sample and Other are two distinct valid JSON values used by the
	// generated tests; Invalid is a JSON value of the wrong type and
	// InvalidType the Pydantic error type it draws; NullType is the type
	// null draws when the field is required.
	Sample, Other, Invalid, InvalidType, NullType string

	// field is the field of the spec; the methods that write Go
	// expressions about it read it.
	field spec.Field
	// sampleGo is Sample as a Go expression of the field's type, not
	// pointer.
	sampleGo string
}

// Type is the field's type in authgen.yaml: string, int, date, ...
func (f fieldView) Type() string { return f.field.Type }

// sqlView holds the queries of the store, written for one dialect.
type sqlView struct {
	SelectUserByID    string
	SelectUserByEmail string
	InsertUser        string
	// UpdateImportedUser sets every column of InsertUser but the id (1
	// to n-1) of the user with the id (n), for an import that updates the
	// users it imported before.
	UpdateImportedUser string
	ReplacePassword    string
	DeleteUser         string
	// InsertAccessToken, SelectAccessToken, DeleteAccessToken and
	// DeleteExpiredAccessTokens keep the tokens of the database strategy:
	// a token digest, a user id and a creation time.
	InsertAccessToken         string
	SelectAccessToken         string
	DeleteAccessToken         string
	DeleteExpiredAccessTokens string
	// SelectUserOfToken selects the user with an id (3) and whether a
	// token issued at a time (1) with a digest (2) was issued before the
	// user's sessions ended; SelectUserOfJWT, for a project with a JWT
	// backend, also whether the deny-list holds the digest (1): a token
	// digest (1, 3), its issue time (2), the user id (4). Each is one
	// round trip.
	// InsertRevokedToken denies a digest (1) until its expiry (2), and
	// DeleteExpiredRevokedTokens deletes the entries expired at a time
	// (1).
	SelectUserOfToken          string
	SelectUserOfJWT            string
	InsertRevokedToken         string
	DeleteExpiredRevokedTokens string
	// EndSessions sets the instant before which the tokens of the user
	// with an id (1) end (2), and the digest of the one token that
	// survives it (3), or null.
	EndSessions string
	// SelectOAuthAccount reads the id and user of the account of a
	// provider (1) with an id (2); InsertOAuthAccount links one: id,
	// user_id, oauth_name, account_id, account_email, access_token,
	// refresh_token, expires_at, created_at, updated_at (1-10); and
	// UpdateOAuthAccount sets its email, tokens, expiry and update time
	// (1-5) by id (6).
	SelectOAuthAccount string
	InsertOAuthAccount string
	UpdateOAuthAccount string
	// InsertRateLimit makes the bucket named (1) empty (2, 3) unless it
	// exists; LockRateLimit reads its fill and time of the bucket (1)
	// and locks it until the transaction ends, UpdateRateLimit sets them
	// (1, 2) for the bucket (3), and SelectRateLimits reads the buckets
	// (1, 2). DeleteRateLimit empties the bucket (1), and
	// DeleteStaleRateLimits those last filled before a time (1).
	InsertRateLimit       string
	LockRateLimit         string
	UpdateRateLimit       string
	SelectRateLimits      string
	DeleteRateLimit       string
	DeleteStaleRateLimits string
	// MarkVerified sets is_verified (1) of the user with an id (2) and an
	// email key (3) who is not verified yet (4).
	MarkVerified string
	// ListUsersFrom, ListUsersAfter and CountUsers take the bounds of a
	// range of email keys, the first inclusive for ListUsersFrom and
	// exclusive for ListUsersAfter, then a page size and an offset (for
	// CountUsers, the most it counts). One lower bound a query lets the
	// index start where the page does.
	ListUsersFrom  string
	ListUsersAfter string
	CountUsers     string
}

// buildView makes, for spec s of module, every decision the templates
// need.
func buildView(s spec.Spec, module string) (view, error) {
	d, err := dialectOf(s.Database)
	if err != nil {
		return view{}, err
	}
	v := view{
		Module:     module,
		Package:    path.Base(s.Package),
		PackageDir: s.Package,
		ImportPath: module + "/" + s.Package,
		ServerDir:  s.Server,
		Dialect:    d,

		TokenLifetime: s.TokenLifetime,
		Cookie:        s.Cookie,
		Password:      s.Password,

		RequiresVerification:  s.RequiresVerification,
		ResetPasswordLifetime: s.ResetPasswordLifetime,
		VerifyLifetime:        s.VerifyLifetime,
		Security:              s.Security,
		RateLimitsInDatabase:  rateLimitsInDatabase(s),
		DocsEnabled:           s.Docs.Enabled,
	}
	for _, b := range s.Backends {
		bv := backendView{Name: b.Name, Prefix: "/auth/" + b.Name, Transport: b.Transport, Strategy: b.Strategy}
		v.Backends = append(v.Backends, bv)
		v.HasCookie = v.HasCookie || b.Transport == "cookie"
		v.HasBearer = v.HasBearer || b.Transport == "bearer"
	}
	v.HasJWT = s.UsesStrategy("jwt")
	v.HasDatabaseStrategy = s.UsesStrategy("database")
	v.HasRedis = s.UsesStrategy("redis")
	v.NeedsTestServer = !d.embedded || v.HasRedis
	for _, f := range s.Fields {
		fv := newFieldView(f, d)
		if f.Required && f.Default == nil {
			v.RequiredFields = append(v.RequiredFields, f.Name)
		}
		if !f.Required && f.Type != "datetime" {
			v.HasOptionalFields = true
		}
		v.Uses.add(f)
		if fv.Index != "" {
			v.Indexes = append(v.Indexes, fv.Index)
		}
		if f.Unique {
			v.UniqueFields = append(v.UniqueFields, fv)
		}
		v.Fields = append(v.Fields, fv)
	}
	for _, p := range s.OAuth {
		ov := oauthView{
			Name: p.Name, Kind: p.Kind, EnvName: envName(p.Name),
			AssociatePrefix: p.AssociatePrefix, AssociateByEmail: p.AssociateByEmail,
			IsVerifiedByDefault: p.IsVerifiedByDefault, Scopes: p.Scopes,
		}
		for _, l := range p.Logins {
			ov.Logins = append(ov.Logins, oauthLoginView{Backend: l.Backend, Prefix: l.Prefix, EnvName: envName(l.Backend)})
		}
		v.OAuth = append(v.OAuth, ov)
		if p.Kind == "github" && v.FirstGitHub == "" {
			v.FirstGitHub = p.Name
		}
		if p.Kind != "github" && v.FirstOIDC == "" {
			v.FirstOIDC = p.Name
		}
		v.HasOIDC = v.HasOIDC || p.Kind != "github"
		v.HasGitHub = v.HasGitHub || p.Kind == "github"
	}
	v.HasOAuth = len(v.OAuth) > 0
	v.SQL = buildSQL(d, v.Fields)
	return v, nil
}

// endedSession returns the expression, in a query of the users table,
// that is true when the token issued at the nth argument, with the digest
// of the next one, was issued before the user's sessions ended and is
// not the token kept then.
func endedSession(d dialect, n int) string {
	return fmt.Sprintf("EXISTS (SELECT 1 FROM user_sessions WHERE user_id = users.id AND not_before > %s AND (kept_token IS NULL OR kept_token <> %s))",
		d.placeholder(n), d.placeholder(n+1))
}

// placeholders returns the parameter markers of the first n arguments,
// separated by commas.
func placeholders(d dialect, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = d.placeholder(i + 1)
	}
	return strings.Join(ph, ", ")
}

func buildSQL(d dialect, fields []fieldView) sqlView {
	// Columns in the order of the User struct, which Scan relies on.
	cols := []string{"id", "email", "hashed_password", "is_active", "is_superuser", "is_verified"}
	for _, f := range fields {
		cols = append(cols, f.Name)
	}
	list := strings.Join(cols, ", ")

	insertCols := append([]string{"normalized_email"}, cols...)
	var ph []string
	for i := range insertCols {
		ph = append(ph, d.placeholder(i+1))
	}

	var sets []string
	for _, c := range insertCols {
		if c != "id" {
			sets = append(sets, fmt.Sprintf("%s = %s", c, d.placeholder(len(sets)+1)))
		}
	}

	return sqlView{
		SelectUserByID:     fmt.Sprintf("SELECT %s FROM users WHERE id = %s", list, d.placeholder(1)),
		SelectUserByEmail:  fmt.Sprintf("SELECT %s FROM users WHERE normalized_email = %s", list, d.placeholder(1)),
		InsertUser:         fmt.Sprintf("INSERT INTO users (%s) VALUES (%s)", strings.Join(insertCols, ", "), strings.Join(ph, ", ")),
		UpdateImportedUser: fmt.Sprintf("UPDATE users SET %s WHERE id = %s", strings.Join(sets, ", "), d.placeholder(len(sets)+1)),
		ListUsersFrom: fmt.Sprintf("SELECT %s FROM users WHERE normalized_email >= %s AND normalized_email < %s ORDER BY normalized_email LIMIT %s OFFSET %s",
			list, d.placeholder(1), d.placeholder(2), d.placeholder(3), d.placeholder(4)),
		ListUsersAfter: fmt.Sprintf("SELECT %s FROM users WHERE normalized_email > %s AND normalized_email < %s ORDER BY normalized_email LIMIT %s OFFSET %s",
			list, d.placeholder(1), d.placeholder(2), d.placeholder(3), d.placeholder(4)),
		// Counting stops at a bound: a count of every match would read
		// the whole index on every first page of a large table.
		CountUsers: fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE normalized_email >= %s AND normalized_email < %s LIMIT %s) AS matches",
			d.placeholder(1), d.placeholder(2), d.placeholder(3)),
		MarkVerified: fmt.Sprintf("UPDATE users SET is_verified = %s WHERE id = %s AND normalized_email = %s AND is_verified = %s",
			d.placeholder(1), d.placeholder(2), d.placeholder(3), d.placeholder(4)),
		ReplacePassword: fmt.Sprintf("UPDATE users SET hashed_password = %s WHERE id = %s AND hashed_password = %s",
			d.placeholder(1), d.placeholder(2), d.placeholder(3)),
		DeleteUser: fmt.Sprintf("DELETE FROM users WHERE id = %s", d.placeholder(1)),

		InsertAccessToken: fmt.Sprintf("INSERT INTO access_tokens (token, user_id, created_at) VALUES (%s, %s, %s)",
			d.placeholder(1), d.placeholder(2), d.placeholder(3)),
		SelectAccessToken: fmt.Sprintf("SELECT user_id, created_at FROM access_tokens WHERE token = %s AND created_at > %s",
			d.placeholder(1), d.placeholder(2)),
		DeleteAccessToken:         fmt.Sprintf("DELETE FROM access_tokens WHERE token = %s", d.placeholder(1)),
		DeleteExpiredAccessTokens: fmt.Sprintf("DELETE FROM access_tokens WHERE created_at <= %s", d.placeholder(1)),

		SelectUserOfToken: fmt.Sprintf("SELECT %s, %s FROM users WHERE id = %s",
			list, endedSession(d, 1), d.placeholder(3)),
		SelectUserOfJWT: fmt.Sprintf("SELECT %s, EXISTS (SELECT 1 FROM revoked_tokens WHERE digest = %s), %s FROM users WHERE id = %s",
			list, d.placeholder(1), endedSession(d, 2), d.placeholder(4)),
		EndSessions:                d.upsert("user_sessions", "user_id", "not_before", "kept_token"),
		InsertRevokedToken:         fmt.Sprintf("INSERT INTO revoked_tokens (digest, expires_at) VALUES (%s, %s)", d.placeholder(1), d.placeholder(2)),
		DeleteExpiredRevokedTokens: fmt.Sprintf("DELETE FROM revoked_tokens WHERE expires_at <= %s", d.placeholder(1)),

		SelectOAuthAccount: fmt.Sprintf("SELECT id, user_id FROM oauth_accounts WHERE oauth_name = %s AND account_id = %s",
			d.placeholder(1), d.placeholder(2)),
		InsertOAuthAccount: fmt.Sprintf("INSERT INTO oauth_accounts (id, user_id, oauth_name, account_id, account_email, access_token, refresh_token, expires_at, created_at, updated_at) VALUES (%s)",
			placeholders(d, 10)),
		UpdateOAuthAccount: fmt.Sprintf("UPDATE oauth_accounts SET account_email = %s, access_token = %s, refresh_token = %s, expires_at = %s, updated_at = %s WHERE id = %s",
			d.placeholder(1), d.placeholder(2), d.placeholder(3), d.placeholder(4), d.placeholder(5), d.placeholder(6)),

		InsertRateLimit: d.insertMissing("rate_limits", "bucket", "fill", "updated_at"),
		LockRateLimit:   fmt.Sprintf("SELECT fill, updated_at FROM rate_limits WHERE bucket = %s%s", d.placeholder(1), d.lockingRead),
		UpdateRateLimit: fmt.Sprintf("UPDATE rate_limits SET fill = %s, updated_at = %s WHERE bucket = %s",
			d.placeholder(1), d.placeholder(2), d.placeholder(3)),
		SelectRateLimits: fmt.Sprintf("SELECT bucket, fill, updated_at FROM rate_limits WHERE bucket IN (%s, %s)",
			d.placeholder(1), d.placeholder(2)),
		DeleteRateLimit:       fmt.Sprintf("DELETE FROM rate_limits WHERE bucket = %s", d.placeholder(1)),
		DeleteStaleRateLimits: fmt.Sprintf("DELETE FROM rate_limits WHERE updated_at < %s", d.placeholder(1)),
	}
}
