package generator

import "github.com/authgen/authgen/spec"

// serviceTable is a table of the service's own beside users. The first
// migration creates those the spec needs; a later spec that needs one the
// lock does not record gets a migration that adds it; and a table the
// lock records stays, though the spec no longer needs it, since it may
// hold rows.
type serviceTable struct {
	name string
	// needed reports whether the service generated for a spec uses the
	// table.
	needed func(spec.Spec) bool
	// ddl creates the table, and its indexes, on a dialect.
	ddl func(dialect) string
	// recorded is where a schema snapshot records that the table exists.
	recorded func(*Schema) *bool
}

// serviceTables are the service's tables beside users, in the order the
// migrations create them. Adding one is adding a row.
var serviceTables = []serviceTable{
	{
		name:     "access_tokens",
		needed:   func(s spec.Spec) bool { return s.UsesStrategy("database") },
		ddl:      dialect.AccessTokensDDL,
		recorded: func(s *Schema) *bool { return &s.AccessTokens },
	},
	{
		// The deny-list of logout's JWTs also records the OAuth states
		// that were used, each until it expires, so that none is used
		// twice.
		name:     "revoked_tokens",
		needed:   func(s spec.Spec) bool { return s.UsesStrategy("jwt") || len(s.OAuth) > 0 },
		ddl:      dialect.RevokedTokensDDL,
		recorded: func(s *Schema) *bool { return &s.RevokedTokens },
	},
	{
		name:     "user_sessions",
		needed:   func(spec.Spec) bool { return true },
		ddl:      dialect.UserSessionsDDL,
		recorded: func(s *Schema) *bool { return &s.UserSessions },
	},
	{
		name:     "rate_limits",
		needed:   rateLimitsInDatabase,
		ddl:      dialect.RateLimitsDDL,
		recorded: func(s *Schema) *bool { return &s.RateLimits },
	},
	{
		name:     "oauth_accounts",
		needed:   func(s spec.Spec) bool { return len(s.OAuth) > 0 },
		ddl:      dialect.OAuthAccountsDDL,
		recorded: func(s *Schema) *bool { return &s.OAuthAccounts },
	},
}

// rateLimitsInDatabase reports whether the service counts what its limits
// count in the database: it does unless it has Redis, which is faster at
// it and shared as well.
func rateLimitsInDatabase(s spec.Spec) bool { return !s.UsesStrategy("redis") }
