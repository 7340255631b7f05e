package spec

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseSpecRoundTrip(t *testing.T) {
	spec := DefaultSpec()
	spec.Fields = []Field{{Name: "first_name", Type: "string", Required: true}, {Name: "age", Type: "int"}}
	spec.Password = PasswordPolicy{MinLength: 12, MaxLength: 64, HashMemoryBudgetMiB: 1024, RequireCurrentPassword: true}
	spec.Security = Security{
		LoginAccount:       AccountLimit{FreeFailures: 3, FailuresPerHour: 20},
		LoginAddress:       RateLimit{Burst: 7, PerHour: 70},
		RegisterAddress:    RateLimit{Burst: 8, PerHour: 80},
		MailAddress:        RateLimit{Burst: 9, PerHour: 90},
		TrustedProxyHeader: "X-Forwarded-For",
	}
	gh := NewOAuthProvider("github", "github", spec.Backends)
	gh.AssociatePrefix, gh.AssociateByEmail = "", true
	corp := NewOAuthProvider("corp", "oidc", spec.Backends[:1])
	corp.IsVerifiedByDefault, corp.Scopes = true, []string{}
	spec.OAuth = []OAuthProvider{NewOAuthProvider("google", "google", spec.Backends), gh, corp}
	spec.Docs.Enabled = false
	got, err := Parse(FileName, format(spec))
	if err != nil {
		t.Fatalf("parsing the formatted spec: %v", err)
	}
	if !reflect.DeepEqual(got, spec) {
		t.Errorf("round trip changed the spec:\n got %+v\nwant %+v", got, spec)
	}
}

// TestDocsDefault checks that the documentation routes are on unless
// authgen.yaml turns them off.
func TestDocsDefault(t *testing.T) {
	for text, want := range map[string]bool{"version: 1\n": true, "version: 1\ndocs:\n  enabled: false\n": false, "version: 1\ndocs: {enabled: true}\n": true} {
		got, err := Parse(FileName, []byte(text))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got.Docs.Enabled != want {
			t.Errorf("%q: Docs.Enabled = %t, want %t", text, got.Docs.Enabled, want)
		}
	}
}

func TestParseSpecDefaults(t *testing.T) {
	got, err := Parse(FileName, []byte("version: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultSpec(); !reflect.DeepEqual(got, want) {
		t.Errorf("a spec of only a version should take every default:\n got %+v\nwant %+v", got, want)
	}
}

// TestParseSpecErrors checks that each bad spec is refused with the file,
// the line and words that say how to fix it.
func TestParseSpecErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"syntax", "version: 1\nbackends: [\n", []string{"authgen.yaml:2: did not find expected node content; fix the YAML syntax"}},
		{"syntax, tab", "version: 1\n\tdatabase: sqlite\n", []string{"authgen.yaml:2: found a tab character that violates indentation"}},
		{"empty", "", []string{"the file is empty", "authgen init"}},
		{"two documents", "version: 1\n---\nfoo: [\n", []string{"authgen.yaml:3:", "fix the YAML syntax"}},
		{"two documents, both valid", "version: 1\n---\ndatabase: mysql\n", []string{"authgen.yaml:2: a second YAML document"}},
		{"no version", "database: sqlite\n", []string{"authgen.yaml:1: version: missing"}},
		{"bad version", "version: 2\n", []string{"authgen.yaml:1: version: 2 is not supported; set it to 1"}},
		{"unknown top key", "version: 1\ndatabse: sqlite\n", []string{`authgen.yaml:2: unknown key "databse"`, "allowed keys: backends, cookie, database"}},
		{"unknown nested key", "version: 1\noutput:\n  pkg: x\n", []string{`authgen.yaml:3: unknown key "pkg" in output; allowed keys: package, server`}},
		{"duplicate key", "version: 1\ndatabase: sqlite\ndatabase: sqlite\n", []string{`authgen.yaml:3: key "database" appears twice`}},
		{"bad database", "version: 1\ndatabase: oracle\n", []string{`authgen.yaml:2: database: "oracle" is not supported (allowed: sqlite, postgres, mysql)`}},
		{"bad transport", "version: 1\nbackends:\n  - name: x\n    transport: grpc\n    strategy: jwt\n", []string{`authgen.yaml:4: backends[0].transport: "grpc" is not supported (allowed: bearer, cookie)`}},
		{"no backends", "version: 1\nbackends: []\n", []string{"authgen.yaml:2: backends: at least one backend is needed"}},
		{"duplicate backend", "version: 1\nbackends:\n  - {name: a, transport: bearer, strategy: jwt}\n  - {name: a, transport: cookie, strategy: jwt}\n", []string{`authgen.yaml:4: backends[1].name: "a" is used twice`}},
		{"reserved field", "version: 1\nuser:\n  fields:\n    - name: email\n      type: string\n", []string{`authgen.yaml:4: user.fields[0].name: field name "email" is reserved`}},
		{"go keyword field", "version: 1\nuser:\n  fields:\n    - name: func\n      type: int\n", []string{`field name "func" is reserved`}},
		{"bad field type", "version: 1\nuser:\n  fields:\n    - name: age\n      type: integer\n", []string{`authgen.yaml:5: user.fields[0].type: field "age": unknown type "integer" (allowed: string, text, int, float, bool, date, datetime, uuid, enum)`}},
		{"max_length of an int", "version: 1\nuser:\n  fields:\n    - name: age\n      type: int\n      max_length: 3\n", []string{`authgen.yaml:6: user.fields[0].max_length: field "age": max_length is for string fields`}},
		{"max_length zero", "version: 1\nuser:\n  fields:\n    - name: nick\n      type: string\n      max_length: 0\n", []string{`authgen.yaml:6: user.fields[0].max_length: 0 is too short: a string field holds 1 to 10000 characters; leave max_length out for 255`}},
		{"bad default", "version: 1\nuser:\n  fields:\n    - name: age\n      type: int\n      required: true\n      default: ten\n", []string{`authgen.yaml:7: user.fields[0].default: field "age": default "ten": not a whole number`}},
		{"bad dropped field", "version: 1\nuser:\n  dropped_fields: [Nick]\n", []string{`authgen.yaml:3: user.dropped_fields[0]: field name "Nick" must be snake_case`}},
		{"enum value with spaces, quoted", "version: 1\nuser:\n  fields:\n    - {name: plan, type: enum, values: ['free', ' ']}\n", []string{`enum value "" must have 1 to 64 characters`}},
		{"dashed package", "version: 1\noutput:\n  package: internal/my-auth\n", []string{`authgen.yaml:3: output.package: the last element "my-auth" is not a valid Go package name`}},
		{"go name collision", "version: 1\nuser:\n  fields:\n    - {name: user_id, type: int}\n    - {name: user_i_d, type: int}\n", []string{`authgen.yaml:5: user.fields[1].name: "user_id" and "user_i_d" both become the Go field UserID`}},
		{"camel field", "version: 1\nuser:\n  fields:\n    - name: firstName\n      type: string\n", []string{"must be snake_case"}},
		{"duplicate field", "version: 1\nuser:\n  fields:\n    - {name: a, type: int}\n    - {name: a, type: int}\n", []string{`authgen.yaml:5: user.fields[1].name: field "a" is declared twice`}},
		{"bad required", "version: 1\nuser:\n  fields:\n    - {name: a, type: int, required: maybe}\n", []string{`authgen.yaml:4: user.fields[0].required: "maybe" must be true or false`}},
		{"absolute dir", "version: 1\noutput:\n  package: /tmp/auth\n", []string{"authgen.yaml:3: output.package: directory \"/tmp/auth\" must be relative"}},
		{"escaping dir", "version: 1\noutput:\n  package: ../auth\n", []string{"must be a clean path inside the module"}},
		{"same dirs", "version: 1\noutput:\n  package: a/b\n  server: a/b\n", []string{"authgen.yaml:4: output.server: must differ from output.package"}},
		{"lifetime", "version: 1\ntokens:\n  lifetime_seconds: 5\n", []string{"authgen.yaml:3: tokens.lifetime_seconds: 5 is out of range"}},
		{"lifetime not a number", "version: 1\ntokens:\n  lifetime_seconds: soon\n", []string{`authgen.yaml:3: tokens.lifetime_seconds: "soon" is not a whole number`}},
		{"docs not a bool", "version: 1\ndocs:\n  enabled: maybe\n", []string{`authgen.yaml:3: docs.enabled:`}},
		{"docs unknown key", "version: 1\ndocs:\n  swagger: true\n", []string{`authgen.yaml:3: unknown key "swagger" in docs; allowed keys: enabled`}},
		{"cookie name", "version: 1\ncookie:\n  name: a b\n", []string{`authgen.yaml:3: cookie.name: "a b" is not a valid cookie name`}},
		{"password lengths", "version: 1\npassword:\n  min_length: 12\n  max_length: 10\n", []string{"authgen.yaml:3: password.min_length: 12 must be at least 1 and at most password.max_length (10)"}},
		{"password too long", "version: 1\npassword:\n  max_length: 5000\n", []string{"authgen.yaml:3: password.max_length: 5000 is over 1024"}},
		{"hash memory budget under one hash", "version: 1\npassword:\n  min_length: 8\n  hash_memory_budget_mib: 63\n", []string{"authgen.yaml:4: password.hash_memory_budget_mib: 63 is out of range; use 64 (one argon2id hash takes 64 MiB) to 65536"}},
		{"hash memory budget zero", "version: 1\npassword:\n  hash_memory_budget_mib: 0\n", []string{"authgen.yaml:3: password.hash_memory_budget_mib: 0 is out of range"}},
		{"hash memory budget negative", "version: 1\npassword:\n  hash_memory_budget_mib: -256\n", []string{"authgen.yaml:3: password.hash_memory_budget_mib: -256 is out of range"}},
		{"hash memory budget too large", "version: 1\npassword:\n  hash_memory_budget_mib: 65537\n", []string{"authgen.yaml:3: password.hash_memory_budget_mib: 65537 is out of range"}},
		{"require current password not a boolean", "version: 1\npassword:\n  require_current_password: 1\n", []string{`authgen.yaml:3: password.require_current_password: "1" must be true or false`}},
		{"hash memory budget with a unit", "version: 1\npassword:\n  hash_memory_budget_mib: 1GiB\n", []string{`authgen.yaml:3: password.hash_memory_budget_mib: "1GiB" is not a whole number`}},
		{"list for mapping", "version: 1\noutput: [a]\n", []string{"authgen.yaml:2: output: expected a mapping"}},
		{"account failures over NIST's", "version: 1\nsecurity:\n  login_account: {failures_per_hour: 101}\n", []string{"authgen.yaml:3: security.login_account.failures_per_hour: 101 is out of range; use 2 to 100"}},
		{"free failures over half", "version: 1\nsecurity:\n  login_account:\n    free_failures: 51\n", []string{"authgen.yaml:4: security.login_account.free_failures: 51 is out of range; use 1 to half of failures_per_hour (50)"}},
		{"no free failure", "version: 1\nsecurity:\n  login_account: {free_failures: 0}\n", []string{"security.login_account.free_failures: 0 is out of range"}},
		{"empty bucket", "version: 1\nsecurity:\n  mail_address:\n    burst: 0\n", []string{"authgen.yaml:4: security.mail_address.burst: 0 is out of range; use 1 to 1000000"}},
		{"no refill", "version: 1\nsecurity:\n  register_address: {burst: 5, per_hour: 0}\n", []string{"security.register_address.per_hour: 0 is out of range"}},
		{"unknown limit key", "version: 1\nsecurity:\n  login_address: {burst: 5, per_minute: 1}\n", []string{`authgen.yaml:3: unknown key "per_minute" in security.login_address; allowed keys: burst, per_hour`}},
		{"header with a colon", "version: 1\nsecurity:\n  trusted_proxy_header: 'X-Real-IP:'\n", []string{`authgen.yaml:3: security.trusted_proxy_header: "X-Real-IP:" is not a header name`}},
		{"unknown oauth kind", "version: 1\noauth:\n  - name: fb\n    kind: facebook\n", []string{`authgen.yaml:4: oauth[0].kind: "facebook" is not supported (allowed: oidc, github, google)`}},
		{"oauth name twice", "version: 1\noauth:\n  - {name: corp, kind: oidc}\n  - {name: corp, kind: google}\n", []string{`authgen.yaml:4: oauth[1].name: "corp" is used twice`}},
		{"oauth login through no backend", "version: 1\noauth:\n  - name: corp\n    kind: oidc\n    logins: [{backend: db, prefix: /auth/corp}]\n", []string{`oauth[0].logins[0].backend: "db" is no backend of backends`}},
		{"oauth prefix of a backend", "version: 1\noauth:\n  - name: corp\n    kind: oidc\n    logins: [{backend: jwt, prefix: /auth/jwt}]\n", []string{`oauth[0].logins[0].prefix: "/auth/jwt" is taken by backend jwt`}},
		{"oauth prefixes shared", "version: 1\noauth:\n  - {name: corp, kind: oidc, associate_prefix: /auth/corp}\n", []string{`oauth[0].associate_prefix: "/auth/corp" is taken by the jwt login router of corp`}},
		{"oauth prefix not clean", "version: 1\noauth:\n  - {name: corp, kind: oidc, associate_prefix: /auth//corp/}\n", []string{`oauth[0].associate_prefix: "/auth//corp/" is not a route prefix`}},
		{"oauth without routers", "version: 1\noauth:\n  - {name: corp, kind: oidc, logins: [], associate_prefix: ''}\n", []string{`oauth[0].logins: provider "corp" has no router`}},
		{"oauth login with a required unique field", "version: 1\nuser:\n  fields:\n    - {name: handle, type: string, required: true, unique: true}\noauth:\n  - {name: corp, kind: oidc}\n", []string{`provider "corp" creates users at login, but user field "handle" is required and unique`}},
		{"oauth scope with a space", "version: 1\noauth:\n  - {name: corp, kind: oidc, scopes: ['openid email']}\n", []string{`oauth[0].scopes[0]: "openid email" is not a scope`}},
		{"enabled as a word", "version: 1\nsecurity:\n  enabled: off\n", []string{`authgen.yaml:3: security.enabled: "off" must be true or false`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(FileName, []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", tt.yaml)
			}
			var se *ParseError
			if !errors.As(err, &se) {
				t.Errorf("error is %T, want *ParseError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestHashMemoryBudgetBounds checks that the bounds of
// password.hash_memory_budget_mib are themselves accepted: one hash's 64
// MiB, and 64 GiB.
func TestHashMemoryBudgetBounds(t *testing.T) {
	for _, budget := range []int{64, 65536} {
		got, err := Parse(FileName, fmt.Appendf(nil, "version: 1\npassword:\n  hash_memory_budget_mib: %d\n", budget))
		if err != nil {
			t.Errorf("hash_memory_budget_mib %d: %v", budget, err)
			continue
		}
		if got.Password.HashMemoryBudgetMiB != budget {
			t.Errorf("hash_memory_budget_mib %d parsed as %d", budget, got.Password.HashMemoryBudgetMiB)
		}
	}
}

func TestParseField(t *testing.T) {
	tests := []struct {
		in      string
		want    Field
		wantErr string
	}{
		{in: "first_name:string:required", want: Field{Name: "first_name", Type: "string", Required: true}},
		{in: "age:int", want: Field{Name: "age", Type: "int"}},
		{in: "age:int:optional", want: Field{Name: "age", Type: "int"}},
		{in: "age", wantErr: "want name:type"},
		{in: "age:int:always", wantErr: `unknown setting "always"`},
		{in: "age:number", wantErr: `unknown type "number"`},
		{in: "is_active:bool", wantErr: "reserved"},
		{in: "plan:enum[free,pro]:required", want: Field{Name: "plan", Type: "enum", Values: []string{"free", "pro"}, Required: true}},
		{in: "plan:enum", wantErr: "an enum needs values"},
		{in: "plan:enum[free,free]", wantErr: `"free" is listed twice`},
		{in: "born:date", want: Field{Name: "born", Type: "date"}},
		{in: "desc:string", wantErr: "reserved"},
	}
	for _, tt := range tests {
		got, err := ParseField(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseField(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseField(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if back, err := ParseField(got.String()); err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("ParseField(%q.String()) = %+v, %v", tt.in, back, err)
		}
	}
}

func TestBackendFromKind(t *testing.T) {
	for kind, want := range map[string]Backend{
		"bearer-jwt":      {Name: "jwt", Transport: "bearer", Strategy: "jwt"},
		"cookie-jwt":      {Name: "cookie", Transport: "cookie", Strategy: "jwt"},
		"bearer-database": {Name: "db", Transport: "bearer", Strategy: "database"},
		"cookie-database": {Name: "cookie-db", Transport: "cookie", Strategy: "database"},
		"bearer-redis":    {Name: "redis", Transport: "bearer", Strategy: "redis"},
		"cookie-redis":    {Name: "cookie-redis", Transport: "cookie", Strategy: "redis"},
	} {
		if got, err := BackendFromKind(kind); err != nil || got != want {
			t.Errorf("BackendFromKind(%q) = %+v, %v; want %+v", kind, got, err, want)
		}
	}
	for _, kind := range []string{"bearer-ldap", "jwt", "cookie-"} {
		if _, err := BackendFromKind(kind); err == nil || !strings.Contains(err.Error(), "allowed: bearer-jwt, bearer-database, bearer-redis, cookie-jwt, cookie-database, cookie-redis") {
			t.Errorf("BackendFromKind(%q) error = %v, want the allowed kinds", kind, err)
		}
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{"first_name": "FirstName", "avatar_url": "AvatarURL", "user_id": "UserID", "age": "Age", "a1_b2": "A1B2"} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEnumValuesAreTrimmed checks every way enum values come in: a
// comma-separated list keeps no space after a comma, or the service
// would refuse the value a client sends.
func TestEnumValuesAreTrimmed(t *testing.T) {
	want := []string{"free", "pro"}
	f, err := ParseField("plan:enum[free, pro]")
	if err != nil || !slices.Equal(f.Values, want) {
		t.Errorf("ParseField: values %q, err %v; want %q", f.Values, err, want)
	}
	if got := SplitValues(" free ,pro "); !slices.Equal(got, want) {
		t.Errorf("SplitValues = %q, want %q", got, want)
	}
	sp, err := Parse(FileName, []byte("version: 1\nuser:\n  fields:\n    - {name: plan, type: enum, values: ['free ', ' pro']}\n"))
	if err != nil || !slices.Equal(sp.Fields[0].Values, want) {
		t.Errorf("authgen.yaml: values %q, err %v; want %q", sp.Fields, err, want)
	}
	if err := (Field{Name: "plan", Type: "enum", Values: []string{"free", " pro"}}).Validate(); err == nil || !strings.Contains(err.Error(), "spaces around it") {
		t.Errorf("Validate of a value with a space: err %v", err)
	}
}

// TestFieldFlagForm checks the flag form of a field: every setting, in
// any order, and what it refuses.
func TestFieldFlagForm(t *testing.T) {
	for _, s := range []string{
		"age:int",
		"first_name:string:required",
		"nick:string:unique:max_length=30",
		"born:date:indexed:default=2000-01-01",
		"plan:enum[free,pro]:required:default=free",
		"bio:text:default=",
		"seen:datetime:default=2024-01-02T01:04:05Z",
		"motto:string:default=a:unique",
	} {
		f, err := ParseField(s)
		if err != nil {
			t.Errorf("ParseField(%q): %v", s, err)
			continue
		}
		if back := f.String(); back != s {
			t.Errorf("ParseField(%q).String() = %q", s, back)
		}
	}
	same := map[string]string{
		"age:int:optional":                  "age:int",
		"nick:string:max_length=30:unique":  "nick:string:unique:max_length=30",
		"plan:enum[free, pro]:default=free": "plan:enum[free,pro]:default=free",
	}
	for in, want := range same {
		if f, err := ParseField(in); err != nil || f.String() != want {
			t.Errorf("ParseField(%q) = %q, %v; want %q", in, f.String(), err, want)
		}
	}
	for in, want := range map[string]string{
		"age":                            "want name:type",
		"Age:int":                        "must be snake_case",
		"age:integer":                    `unknown type "integer"`,
		"plan:enum[free,pro":             `unknown type "enum[free,pro"`,
		"plan:enum[free]x":               `"x" follows the type`,
		"age:int:primary":                `unknown setting "primary"`,
		"age:int:":                       `unknown setting ""`,
		"age:int:required:optional":      "required is given twice",
		"nick:string:max_length=0":       "at least 1",
		"nick:string:max_length=x":       "max_length=x",
		"nick:string:max_length=20000":   "out of range",
		"age:int:max_length=5":           "max_length is for string fields",
		"age:int:default=x":              "not a whole number",
		"nick:string:unique:default=a":   "a unique field cannot have a default",
		"plan:enum[free,pro]:default=gr": "not one of the values",
	} {
		if _, err := ParseField(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseField(%q) error = %v, want one containing %q", in, err, want)
		}
	}
}

// TestOAuthDefaults checks what a provider that names only itself and its
// kind gets: a login router per backend, whichever comes first in the
// file, the association router and the kind's scopes.
func TestOAuthDefaults(t *testing.T) {
	got, err := Parse(FileName, []byte("version: 1\noauth:\n  - {name: gh, kind: github}\nbackends:\n  - {name: jwt, transport: bearer, strategy: jwt}\n  - {name: db, transport: cookie, strategy: database}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []OAuthProvider{{
		Name: "gh", Kind: "github",
		Logins:          []OAuthLogin{{Backend: "jwt", Prefix: "/auth/gh"}, {Backend: "db", Prefix: "/auth/gh-db"}},
		AssociatePrefix: "/auth/associate/gh",
		Scopes:          []string{"read:user", "user:email"},
	}}
	if !reflect.DeepEqual(got.OAuth, want) {
		t.Errorf("oauth = %+v, want %+v", got.OAuth, want)
	}
}
