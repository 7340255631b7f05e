package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/authgen/authgen/spec"
)

// deliberateDifferences is every way the document of the reference
// configuration departs from FastAPI Users' own (testdata/fastapi-users),
// each with its reason; README.md explains the same list. A pattern
// matches the differences structuralDiff reports, * standing for any
// text. A difference that no row matches fails the test, and so does a
// row that matches nothing, so that the table stays exact.
var deliberateDifferences = []struct {
	pattern, reason string
}{
	{"operation + GET /users/", "extension: the superusers' list of users (limit, cursor, offset, email; X-Total-Count, Link)"},
	{"operation + DELETE /users/me/sessions", "extension: log out everywhere"},
	{"operation + GET /healthz", "extension: the liveness probe"},
	{"operation + GET /readyz", "extension: the readiness probe"},
	{"response + * 429", "extension: the limits against guessing and floods answer 429 TOO_MANY_REQUESTS with Retry-After (login, register, forgot-password, request-verify-token)"},
	{"response + * 503", "extension: while the database, Redis, a provider or a hashing slot is unavailable, the service answers 503 with Retry-After instead of hanging or failing with 500"},
	{"response - POST /auth/*/logout 200", "logout answers 204, never 200"},
	{"response + POST /auth/jwt/logout 204", "logout answers 204, never 200"},
	{"response - POST /auth/cookie/login 200", "a cookie login answers 204 with the cookie, never 200"},
	{"response-schema GET /auth/oidc/callback 200: {} -> BearerResponse", "a bearer login callback answers the backend's login answer, BearerResponse"},
	{"response - GET /auth/oidc-cookie/callback 200", "a cookie login callback answers 204 with the cookie, never 200"},
	{"response + GET /auth/oidc-cookie/callback 204", "a cookie login callback answers 204 with the cookie"},
	{"response + GET /auth/oidc-cookie/callback 303", "extension: with OAUTH_<NAME>_SUCCESS_REDIRECT_URL and _ERROR_REDIRECT_URL set, the cookie callback redirects the browser"},
	{"response + GET /auth/associate/oidc/* 401", "the association routes need a logged-in user and answer 401 without one, which FastAPI Users does not document"},
	{"example - GET /auth/*/callback 400 INVALID_STATE_TOKEN", "FastAPI Users documents it without a value and never sends it; a bad state is OAUTH_INVALID_STATE"},
	{"example + GET /auth/*/callback 400 OAUTH_INVALID_STATE", "FastAPI Users sends it for a bad state but does not document it"},
	{"example + GET /auth/*/callback 400 OAUTH_NOT_AVAILABLE_EMAIL", "FastAPI Users sends it when the provider gives no email but does not document it"},
	{"example + GET /auth/oidc*/callback 400 OAUTH_USER_ALREADY_EXISTS", "FastAPI Users' login callbacks send it for a taken email but do not document it"},
	{"example + GET /auth/*/callback 400 OAUTH_PROVIDER_ERROR", "extension: the provider sent ?error= or refused the code (a 500 in FastAPI Users)"},
	{"example + GET /auth/associate/oidc/callback 400 OAUTH_ACCOUNT_ALREADY_LINKED", "extension: the provider account is linked to another user (FastAPI Users links it twice)"},
	{"parameter - GET /auth/*/callback code_verifier", "FastAPI Users never uses code_verifier; the service derives its PKCE verifier from the state"},
}

// TestOpenAPIReference builds the document of the configuration FastAPI
// Users' documents were served by, checks it is valid OpenAPI 3.1, and
// compares it with them: paths, methods, operationIds, tags, parameters,
// request and response schemas, status codes and component schemas.
func TestOpenAPIReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "fastapi-users", "reference.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := spec.Parse("reference.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	core := ref
	core.OAuth = nil
	for _, c := range []struct {
		name    string
		spec    spec.Spec
		fixture string
	}{
		{"with OAuth", ref, "openapi.json"},
		{"core", core, "openapi.core.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ours := documentOf(t, c.spec)
			validateOpenAPI(t, ours)
			theirs, err := os.ReadFile(filepath.Join("..", "testdata", "fastapi-users", c.fixture))
			if err != nil {
				t.Fatal(err)
			}
			matched := make([]bool, len(deliberateDifferences))
			for _, d := range structuralDiff(t, theirs, ours) {
				known := false
				for i, row := range deliberateDifferences {
					if globMatch(row.pattern, d) {
						known, matched[i] = true, true
					}
				}
				if !known {
					t.Errorf("difference from FastAPI Users' document not in deliberateDifferences: %s", d)
				}
			}
			if c.name == "with OAuth" {
				for i, row := range deliberateDifferences {
					if !matched[i] {
						t.Errorf("deliberateDifferences row %q matches no difference", row.pattern)
					}
				}
			}
		})
	}
}

// documentOf returns the document the generator writes for s.
func documentOf(t *testing.T, s spec.Spec) []byte {
	t.Helper()
	v, err := buildView(s, "example.com/app")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openAPIDocument(v)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// validateOpenAPI fails the test unless doc is a valid OpenAPI 3.1
// document.
func validateOpenAPI(t *testing.T, doc []byte) {
	t.Helper()
	for _, err := range openAPIErrors(doc) {
		t.Error(err)
	}
}

// openAPIErrors returns what libopenapi and libopenapi-validator find
// wrong with doc as an OpenAPI 3.1 document.
func openAPIErrors(doc []byte) []error {
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		return []error{fmt.Errorf("libopenapi: %w", err)}
	}
	if _, err := d.BuildV3Model(); err != nil {
		return []error{fmt.Errorf("libopenapi: building the model: %w", err)}
	}
	v, errs := validator.NewValidator(d)
	if len(errs) > 0 {
		return errs
	}
	var out []error
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			out = append(out, fmt.Errorf("not valid OpenAPI 3.1: %v", e))
		}
	}
	return out
}

// TestOpenAPIValidation checks that the validation the tests rely on
// refuses a document that is not valid OpenAPI 3.1.
func TestOpenAPIValidation(t *testing.T) {
	bad := `{"openapi": "3.1.0", "paths": {"/x": {"get": {"responses": {"200": {"description": 7}}}}}}`
	if errs := openAPIErrors([]byte(bad)); len(errs) == 0 {
		t.Error("a document without info and with a numeric description passed validation")
	}
}

// TestOpenAPIGoldenCases checks the document of every testdata case is
// valid OpenAPI 3.1.
func TestOpenAPIGoldenCases(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join("..", "testdata", "*", spec.FileName))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no testdata cases (err %v)", err)
	}
	for _, p := range specs {
		t.Run(filepath.Base(filepath.Dir(p)), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			s, err := spec.Parse(p, data)
			if err != nil {
				t.Fatal(err)
			}
			validateOpenAPI(t, documentOf(t, s))
		})
	}
}

// TestOpenAPICustomFields checks the schemas of custom fields of every
// type: required-ness, null, formats, lengths, enums and defaults as the
// handlers decode them.
func TestOpenAPICustomFields(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "custom-fields", spec.FileName))
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse(spec.FileName, data)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
				Required   []string                   `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(documentOf(t, s), &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	want := []struct {
		field, create, update string
	}{
		{"first_name", `{"type":"string","maxLength":255,"title":"First Name"}`, `{"type":"string","maxLength":255,"title":"First Name"}`},
		{"bio", `{"anyOf":[{"type":"string"},{"type":"null"}],"title":"Bio","default":null}`, `{"anyOf":[{"type":"string"},{"type":"null"}],"title":"Bio"}`},
		{"age", `{"anyOf":[{"type":"integer"},{"type":"null"}],"title":"Age","default":null}`, `{"anyOf":[{"type":"integer"},{"type":"null"}],"title":"Age"}`},
		{"score", `{"type":"number","title":"Score"}`, `{"type":"number","title":"Score"}`},
		{"newsletter", `{"anyOf":[{"type":"boolean"},{"type":"null"}],"title":"Newsletter","default":null}`, `{"anyOf":[{"type":"boolean"},{"type":"null"}],"title":"Newsletter"}`},
		{"nickname", `{"anyOf":[{"type":"string","maxLength":32},{"type":"null"}],"title":"Nickname","default":null}`, `{"anyOf":[{"type":"string","maxLength":32},{"type":"null"}],"title":"Nickname"}`},
		{"plan", `{"type":"string","enum":["free","pro","team"],"title":"Plan","default":"free"}`, `{"type":"string","enum":["free","pro","team"],"title":"Plan"}`},
		{"birthdate", `{"anyOf":[{"type":"string","format":"date"},{"type":"null"}],"title":"Birthdate","default":null}`, `{"anyOf":[{"type":"string","format":"date"},{"type":"null"}],"title":"Birthdate"}`},
		{"trial_ends", `{"type":"string","format":"date-time","title":"Trial Ends","default":"2030-01-01T00:00:00Z"}`, `{"type":"string","format":"date-time","title":"Trial Ends"}`},
		{"team_id", `{"anyOf":[{"type":"string","format":"uuid"},{"type":"null"}],"title":"Team Id","default":null}`, `{"anyOf":[{"type":"string","format":"uuid"},{"type":"null"}],"title":"Team Id"}`},
		{"title", `{"type":"string","maxLength":255,"title":"Title","default":""}`, `{"type":"string","maxLength":255,"title":"Title"}`},
	}
	compact := func(raw json.RawMessage) string {
		var b bytes.Buffer
		_ = json.Compact(&b, raw)
		return b.String()
	}
	for _, w := range want {
		if got := compact(schemas["UserCreate"].Properties[w.field]); got != w.create {
			t.Errorf("UserCreate.%s = %s, want %s", w.field, got, w.create)
		}
		if got := compact(schemas["UserUpdate"].Properties[w.field]); got != w.update {
			t.Errorf("UserUpdate.%s = %s, want %s", w.field, got, w.update)
		}
		if schemas["UserRead"].Properties[w.field] == nil {
			t.Errorf("UserRead has no %s", w.field)
		}
	}
	// Registration requires the required fields without a default, as
	// RequiredFields, which the register handler checks, lists them.
	if got, want := schemas["UserCreate"].Required, []string{"email", "password", "first_name", "score"}; !slices.Equal(got, want) {
		t.Errorf("UserCreate requires %v, want %v", got, want)
	}
}

// globMatch reports whether s matches pattern, whose * stands for any
// text.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(s)
}

// openAPIShape is what the structural comparison reads of a document.
type openAPIShape struct {
	Paths      map[string]map[string]shapeOperation `json:"paths"`
	Components struct {
		Schemas         map[string]shapeSchema `json:"schemas"`
		SecuritySchemes map[string]any         `json:"securitySchemes"`
	} `json:"components"`
}

type shapeOperation struct {
	OperationID string   `json:"operationId"`
	Tags        []string `json:"tags"`
	Parameters  []struct {
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	} `json:"parameters"`
	RequestBody *struct {
		Required bool                       `json:"required"`
		Content  map[string]json.RawMessage `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]json.RawMessage `json:"content"`
	} `json:"responses"`
	Security  []map[string][]string `json:"security"`
	Extension bool                  `json:"x-authgen-extension"`
}

type shapeSchema struct {
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
}

// schemaName returns the name of the schema of a media type: the name of
// the component it refers to, or its JSON.
func schemaName(media json.RawMessage) string {
	var m struct {
		Schema json.RawMessage `json:"schema"`
	}
	_ = json.Unmarshal(media, &m)
	var r struct {
		Ref string `json:"$ref"`
	}
	if json.Unmarshal(m.Schema, &r) == nil && r.Ref != "" {
		return strings.TrimPrefix(r.Ref, "#/components/schemas/")
	}
	return string(m.Schema)
}

// exampleCodes returns the names of the JSON examples of content: the
// error codes of a 400.
func exampleCodes(content map[string]json.RawMessage) []string {
	var m struct {
		Examples map[string]json.RawMessage `json:"examples"`
	}
	_ = json.Unmarshal(content["application/json"], &m)
	return slices.Sorted(mapKeys(m.Examples))
}

// contentShape returns the media types of content and their schemas.
func contentShape(content map[string]json.RawMessage) string {
	var parts []string
	for media, body := range content {
		parts = append(parts, media+"="+schemaName(body))
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// structuralDiff lists how ours differs from theirs, one line a
// difference: + what only ours has, - what only theirs has.
func structuralDiff(t *testing.T, theirs, ours []byte) []string {
	t.Helper()
	var a, b openAPIShape
	if err := json.Unmarshal(theirs, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ours, &b); err != nil {
		t.Fatal(err)
	}
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	ops := func(s openAPIShape) map[string]shapeOperation {
		m := map[string]shapeOperation{}
		for path, methods := range s.Paths {
			for method, op := range methods {
				m[strings.ToUpper(method)+" "+path] = op
			}
		}
		return m
	}
	theirOps, ourOps := ops(a), ops(b)
	for key, op := range ourOps {
		if _, ok := theirOps[key]; !ok {
			add("operation + %s", key)
			if !op.Extension {
				t.Errorf("%s is not FastAPI Users' but is not marked x-authgen-extension", key)
			}
		}
	}
	for key, their := range theirOps {
		our, ok := ourOps[key]
		if !ok {
			add("operation - %s", key)
			continue
		}
		if our.OperationID != their.OperationID {
			add("operationId %s: %s -> %s", key, their.OperationID, our.OperationID)
		}
		if !slices.Equal(our.Tags, their.Tags) {
			add("tags %s: %v -> %v", key, their.Tags, our.Tags)
		}
		if fmt.Sprint(our.Security) != fmt.Sprint(their.Security) {
			add("security %s: %v -> %v", key, their.Security, our.Security)
		}
		params := func(op shapeOperation) map[string]string {
			m := map[string]string{}
			for _, p := range op.Parameters {
				m[p.Name] = fmt.Sprintf("in=%s required=%t", p.In, p.Required)
			}
			return m
		}
		theirParams, ourParams := params(their), params(our)
		for name, p := range theirParams {
			switch q, ok := ourParams[name]; {
			case !ok:
				add("parameter - %s %s", key, name)
			case p != q:
				add("parameter %s %s: %s -> %s", key, name, p, q)
			}
		}
		for name := range ourParams {
			if _, ok := theirParams[name]; !ok {
				add("parameter + %s %s", key, name)
			}
		}
		switch {
		case (our.RequestBody == nil) != (their.RequestBody == nil):
			add("request %s: body %t -> %t", key, their.RequestBody != nil, our.RequestBody != nil)
		case our.RequestBody != nil:
			if x, y := contentShape(their.RequestBody.Content), contentShape(our.RequestBody.Content); x != y || our.RequestBody.Required != their.RequestBody.Required {
				add("request %s: %s -> %s", key, x, y)
			}
		}
		for status, r := range their.Responses {
			q, ok := our.Responses[status]
			if !ok {
				add("response - %s %s", key, status)
				continue
			}
			if x, y := contentShape(r.Content), contentShape(q.Content); x != y {
				add("response-schema %s %s: %s -> %s", key, status, strings.TrimPrefix(x, "application/json="), strings.TrimPrefix(y, "application/json="))
			}
		}
		for status := range our.Responses {
			if _, ok := their.Responses[status]; !ok {
				add("response + %s %s", key, status)
			}
		}
		for status, r := range their.Responses {
			q := our.Responses[status]
			x, y := exampleCodes(r.Content), exampleCodes(q.Content)
			for _, code := range x {
				if !slices.Contains(y, code) {
					add("example - %s %s %s", key, status, code)
				}
			}
			for _, code := range y {
				if !slices.Contains(x, code) {
					add("example + %s %s %s", key, status, code)
				}
			}
		}
	}
	for name, s := range a.Components.Schemas {
		o, ok := b.Components.Schemas[name]
		if !ok {
			add("schema - %s", name)
			continue
		}
		x, y := slices.Sorted(mapKeys(s.Properties)), slices.Sorted(mapKeys(o.Properties))
		if !slices.Equal(x, y) {
			add("schema-properties %s: %v -> %v", name, x, y)
		}
		if !slices.Equal(s.Required, o.Required) {
			add("schema-required %s: %v -> %v", name, s.Required, o.Required)
		}
	}
	for name := range b.Components.Schemas {
		if _, ok := a.Components.Schemas[name]; !ok {
			add("schema + %s", name)
		}
	}
	if x, y := fmt.Sprint(a.Components.SecuritySchemes), fmt.Sprint(b.Components.SecuritySchemes); x != y {
		add("securitySchemes: %s -> %s", x, y)
	}
	slices.Sort(diffs)
	return diffs
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
