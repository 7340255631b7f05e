package generator

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/authgen/authgen/spec"
)

// LockVersion is the format version of authgen.lock.
const LockVersion = 1

// Lock is the content of authgen.lock: what the last run wrote, so that
// the next run can tell hand edits and stale files from its own output,
// and the schema the migrations bring the database to.
type Lock struct {
	Version int `json:"version"`
	// Generator is the authgen version of the last run. It is informative:
	// a new authgen version alone is no drift.
	Generator string                `json:"generator"`
	Files     map[string]LockedFile `json:"files"`
	Schema    *Schema               `json:"schema,omitempty"`
}

// LockedFile records one file written by authgen.
type LockedFile struct {
	Owner  Owner  `json:"owner"`
	SHA256 string `json:"sha256"`
}

// Schema is the snapshot of the tables the migrations create.
type Schema struct {
	Database string       `json:"database"`
	Fields   []spec.Field `json:"fields"`
	// AccessTokens is set when the migrations create the access token
	// table of the database strategy.
	AccessTokens bool `json:"access_tokens,omitempty"`
	// RevokedTokens is set when the migrations create the deny-list of
	// the JWTs that logout revoked.
	RevokedTokens bool `json:"revoked_tokens,omitempty"`
	// UserSessions is set when the migrations create the table of the
	// instants each user's sessions ended, which every project has.
	UserSessions bool `json:"user_sessions,omitempty"`
	// RateLimits is set when the migrations create the table of the
	// limits' counts.
	RateLimits bool `json:"rate_limits,omitempty"`
	// OAuthAccounts is set when the migrations create the table of the
	// provider accounts linked to users.
	OAuthAccounts bool `json:"oauth_accounts,omitempty"`
}

func schemaOf(s spec.Spec) Schema {
	fields := []spec.Field{}
	for _, f := range s.Fields {
		fields = append(fields, f.Schema())
	}
	schema := Schema{Database: s.Database, Fields: fields}
	for _, t := range serviceTables {
		*t.recorded(&schema) = t.needed(s)
	}
	return schema
}

// Bytes encodes the lock as authgen.lock: indented JSON with sorted keys.
func (l Lock) Bytes() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		// A Lock holds only strings, numbers and maps of them.
		panic(fmt.Sprintf("encoding lock: %v", err))
	}
	return b.Bytes()
}

// ParseLock decodes authgen.lock content.
func ParseLock(data []byte) (*Lock, error) {
	var l Lock
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("authgen.lock is not valid: %w; restore it from version control", err)
	}
	if l.Version != LockVersion {
		return nil, fmt.Errorf("authgen.lock has format version %d; this authgen reads version %d", l.Version, LockVersion)
	}
	if l.Files == nil {
		l.Files = map[string]LockedFile{}
	}
	return &l, nil
}
