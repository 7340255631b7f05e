package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkTestDoc is a small OpenAPI 3.1 document in the shape the service's
// is expected to take, for testing the checks without the service.
const checkTestDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "auth", "version": "1"},
  "paths": {
    "/auth/register": {"post": {
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserCreate"}}}},
      "responses": {
        "201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserRead"}}}},
        "400": {"description": "refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorModel"}}}},
        "422": {"description": "invalid", "content": {"application/json": {"schema": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "array"}}}}}}
      }
    }},
    "/auth/jwt/login": {"post": {
      "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
      "responses": {
        "200": {"description": "logged in", "content": {"application/json": {"schema": {"type": "object", "required": ["access_token", "token_type"], "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string"}}}}}},
        "429": {"description": "too many", "headers": {"Retry-After": {"required": true, "schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorModel"}}}}
      }
    }},
    "/users/{id}": {"delete": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"204": {"description": "deleted"}, "202": {"description": "deletion queued"}}
    }, "get": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {
        "200": {"description": "the user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserRead"}}}},
        "401": {"description": "no user, documented without content as FastAPI does"}
      }
    }}
  },
  "components": {"schemas": {
    "UserCreate": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string"}}},
    "UserRead": {"type": "object", "required": ["id", "email", "is_active"], "properties": {"id": {"type": "string"}, "email": {"type": "string"}, "is_active": {"type": "boolean"}}},
    "ErrorModel": {"type": "object", "required": ["detail"], "properties": {"detail": {"anyOf": [{"type": "string"}, {"type": "object"}]}}}
  }}
}`

// errorRecorder is a test that records its failures instead of failing,
// to see what api.send reports.
type errorRecorder struct {
	testing.TB
	errors []string
}

func (r *errorRecorder) Helper() {}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestAPIChecksExchanges checks the OpenAPI checks of the walks' requests
// against a service whose answers each request chooses, through the
// X-Answer-* headers: answers the document allows pass, and each kind of
// departure fails naming the operation and what is wrong.
func TestAPIChecksExchanges(t *testing.T) {
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("X-Answer-Header"); h != "" {
			k, v, _ := strings.Cut(h, ": ")
			w.Header().Set(k, v)
		}
		status := http.StatusOK
		fmt.Sscan(r.Header.Get("X-Answer-Status"), &status)
		if body := r.Header.Get("X-Answer-Body"); body != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
		w.WriteHeader(status)
	}))
	defer service.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "<html>a provider's page</html>")
	}))
	defer other.Close()

	doc, err := parseAPIDoc(service.URL, []byte(checkTestDoc))
	if err != nil {
		t.Fatal(err)
	}
	c := &api{doc: doc}
	const user = `{"id": "u1", "email": "a@b.c", "is_active": true}`
	for _, tc := range []struct {
		name       string
		method     string
		url        string
		header     map[string]string
		body       string
		wantErrors []string // each is in the one error reported; none: no error
	}{
		{name: "an answer the document allows", method: "POST", url: service.URL + "/auth/register",
			header: map[string]string{"Content-Type": "application/json", "X-Answer-Status": "201", "X-Answer-Body": user},
			body:   `{"email": "a@b.c", "password": "pw"}`},
		{name: "a body that lacks a required field", method: "POST", url: service.URL + "/auth/register",
			header:     map[string]string{"Content-Type": "application/json", "X-Answer-Status": "201", "X-Answer-Body": `{"id": "u1", "is_active": true}`},
			body:       `{"email": "a@b.c", "password": "pw"}`,
			wantErrors: []string{"POST /auth/register answered 201", "email"}},
		{name: "a field of the wrong type", method: "POST", url: service.URL + "/auth/register",
			header:     map[string]string{"Content-Type": "application/json", "X-Answer-Status": "201", "X-Answer-Body": `{"id": "u1", "email": "a@b.c", "is_active": "yes"}`},
			body:       `{"email": "a@b.c", "password": "pw"}`,
			wantErrors: []string{"POST /auth/register answered 201", "is_active"}},
		{name: "a status the document does not list", method: "POST", url: service.URL + "/auth/register",
			header:     map[string]string{"Content-Type": "application/json", "X-Answer-Status": "409", "X-Answer-Body": `{"detail": "X"}`},
			body:       `{"email": "a@b.c", "password": "pw"}`,
			wantErrors: []string{"POST /auth/register answered 409", "409"}},
		{name: "a request accepted that the document refuses", method: "POST", url: service.URL + "/auth/register",
			header:     map[string]string{"Content-Type": "application/json", "X-Answer-Status": "201", "X-Answer-Body": user},
			body:       `{"email": "a@b.c"}`,
			wantErrors: []string{"POST /auth/register answered 201", "password"}},
		{name: "a bad request refused as documented", method: "POST", url: service.URL + "/auth/register",
			header: map[string]string{"Content-Type": "application/json", "X-Answer-Status": "422", "X-Answer-Body": `{"detail": []}`},
			body:   `{"email": 7}`},
		{name: "a declared header missing", method: "POST", url: service.URL + "/auth/jwt/login",
			header:     map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Answer-Status": "429", "X-Answer-Body": `{"detail": "TOO_MANY_REQUESTS"}`},
			body:       "username=a&password=b",
			wantErrors: []string{"POST /auth/jwt/login answered 429", "Retry-After"}},
		{name: "a declared header present", method: "POST", url: service.URL + "/auth/jwt/login",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Answer-Status": "429", "X-Answer-Body": `{"detail": "TOO_MANY_REQUESTS"}`, "X-Answer-Header": "Retry-After: 1"},
			body:   "username=a&password=b"},
		{name: "a login sent as multipart, as curl -F sends it", method: "POST", url: service.URL + "/auth/jwt/login",
			header: map[string]string{"Content-Type": "multipart/form-data; boundary=x", "X-Answer-Status": "200", "X-Answer-Body": `{"access_token": "t", "token_type": "bearer"}`},
			body:   "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\na\r\n--x--\r\n"},
		{name: "a body where the document has none", method: "DELETE", url: service.URL + "/users/u1",
			header:     map[string]string{"X-Answer-Status": "202", "X-Answer-Body": `{"id": "u1"}`},
			wantErrors: []string{"DELETE /users/{id} answered 202", "declares none"}},
		{name: "an empty answer as documented", method: "DELETE", url: service.URL + "/users/u1",
			header: map[string]string{"X-Answer-Status": "204"}},
		{name: "an error with a body where the document declares no content", method: "GET", url: service.URL + "/users/u1",
			header: map[string]string{"X-Answer-Status": "401", "X-Answer-Body": `{"detail": "Unauthorized"}`}},
		{name: "the listing route beside a path parameter", method: "GET", url: service.URL + "/users/",
			header: map[string]string{"X-Answer-Status": "200", "X-Answer-Body": `[]`}},
		{name: "a path parameter filled", method: "GET", url: service.URL + "/users/u1",
			header:     map[string]string{"X-Answer-Status": "200", "X-Answer-Body": `[]`},
			wantErrors: []string{"GET /users/{id} answered 200", "array"}},
		{name: "a route the document does not describe", method: "GET", url: service.URL + "/healthz",
			header: map[string]string{"X-Answer-Status": "200", "X-Answer-Body": `{"status": "ok"}`}},
		{name: "another host", method: "GET", url: other.URL + "/auth/register"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &errorRecorder{TB: t}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			c.send(rec, http.DefaultClient, tc.method, tc.url, tc.header, body)
			if len(tc.wantErrors) == 0 {
				if len(rec.errors) > 0 {
					t.Errorf("reported %q, want nothing", rec.errors)
				}
				return
			}
			if len(rec.errors) != 1 {
				t.Fatalf("reported %q, want one error", rec.errors)
			}
			for _, want := range tc.wantErrors {
				if !strings.Contains(rec.errors[0], want) {
					t.Errorf("reported %q, want it to say %q", rec.errors[0], want)
				}
			}
		})
	}

	rec := &errorRecorder{TB: t}
	doc.requireChecked(rec, "POST /auth/register", "POST /auth/jwt/login", "DELETE /users/{}")
	if len(rec.errors) > 0 {
		t.Errorf("requireChecked after the exchanges: %q, want nothing", rec.errors)
	}
	doc.requireChecked(rec, "GET /users/me")
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "GET /users/me") {
		t.Errorf("requireChecked of an operation never sent: %q, want an error naming it", rec.errors)
	}
}

// TestParseAPIDocRefuses checks that a document the checks cannot stand
// on fails at once rather than checking nothing.
func TestParseAPIDocRefuses(t *testing.T) {
	for name, spec := range map[string]string{
		"not JSON":          `{"openapi": `,
		"OpenAPI 3.0":       strings.Replace(checkTestDoc, `"3.1.0"`, `"3.0.3"`, 1),
		"not valid OpenAPI": `{"openapi": "3.1.0", "paths": {}}`,
	} {
		if _, err := parseAPIDoc("http://127.0.0.1:1", []byte(spec)); err == nil {
			t.Errorf("parseAPIDoc of a document %s: no error", name)
		}
	}
}

// TestFastAPIUsersDocument checks the checks and the Swagger UI sample on
// FastAPI Users' own document, which the service's follows: the routes
// are found, and the register sample is the body Swagger UI sends.
func TestFastAPIUsersDocument(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("testdata", "fastapi-users-openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseAPIDoc("http://127.0.0.1:1", spec)
	if err != nil {
		t.Fatal(err)
	}
	sample := doc.requestSample(t, "POST", "/auth/register")
	want := map[string]any{"email": "user@example.com", "password": "string", "is_active": true, "is_superuser": false, "is_verified": false}
	if fmt.Sprint(sample) != fmt.Sprint(want) {
		t.Errorf("the register sample: %v, want %v", sample, want)
	}
}

// TestGeneratedClientBuilds checks the client check's pipeline on FastAPI
// Users' own document: oapi-codegen generates a client that builds.
func TestGeneratedClientBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs oapi-codegen from the module proxy; run without -short")
	}
	spec, err := os.ReadFile(filepath.Join("testdata", "fastapi-users-openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	buildGeneratedClient(t, spec)
}

// TestTemplateMatches checks which request paths a path template takes.
func TestTemplateMatches(t *testing.T) {
	for _, tc := range []struct {
		template, path string
		want           bool
	}{
		{"/users/{id}", "/users/u1", true},
		{"/users/{id}", "/users/", false},
		{"/users/{id}", "/users/u1/x", false},
		{"/users/me", "/users/me", true},
		{"/users/me", "/api/users/me", true},
		{"/users/me", "/xusers/me", false},
		{"/auth/{name}/authorize", "/auth/corp/authorize", true},
	} {
		if got := templateMatches(tc.template, tc.path); got != tc.want {
			t.Errorf("templateMatches(%q, %q) = %v, want %v", tc.template, tc.path, got, tc.want)
		}
	}
}

// TestOpenAPIChecksOnAStandIn runs the end-to-end OpenAPI checks against
// a stand-in for the server, which serves FastAPI Users' document with the
// end-to-end service's OAuth prefixes: the document fetched, the `openapi`
// command compared with it and a client built from it, and the
// documentation pages in Chromium with Try it out on register. It shows
// the checks themselves work, in seconds and without a database.
func TestOpenAPIChecksOnAStandIn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a client with oapi-codegen and runs Chromium; run without -short")
	}
	spec, err := os.ReadFile(filepath.Join("testdata", "fastapi-users-openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	spec = bytes.ReplaceAll(spec, []byte("/oidc"), []byte("/corp"))
	specPath := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(specPath, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	standin := filepath.Join(t.TempDir(), "standin")
	runIn(t, ".", "go", "build", "-o", standin, "./testdata/standin")
	env := []string{"STANDIN_OPENAPI=" + specPath}

	base := startServer(t, standin, env...)
	doc := fetchAPIDoc(t, base)
	checkOpenAPICommand(t, standin, env, doc.spec)
	checkDocsPages(t, doc, standin, env)
}
