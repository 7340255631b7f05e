package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// The oapi-codegen the client check generates with, and the runtime its
// clients import: pinned, so that a new release changes no test result.
const (
	oapiCodegen        = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2"
	oapiCodegenRuntime = "github.com/oapi-codegen/runtime@v1.9.0"
)

// walkedOperations returns the operations the walks must have checked against
// the document by the end of walkOAuth: each route of FastAPI Users' flow,
// the reset and verify flows, the revocable backends and the three kinds
// of OAuth router. Path parameters are written {} whatever the document
// names them.
func walkedOperations() []string {
	return []string{
		"POST /auth/register",
		"POST /auth/jwt/login",
		"POST /auth/cookie/login",
		"POST /auth/cookie/logout",
		"POST /auth/db/login",
		"POST /auth/db/logout",
		"POST /auth/redis/login",
		"POST /auth/redis/logout",
		"GET /users/me",
		"PATCH /users/me",
		"GET /users/{}",
		"PATCH /users/{}",
		"DELETE /users/{}",
		"POST /auth/forgot-password",
		"POST /auth/reset-password",
		"POST /auth/request-verify-token",
		"POST /auth/verify",
		"GET /auth/corp/authorize",
		"GET /auth/corp/callback",
		"GET /auth/corp-cookie/callback",
		"GET /auth/corp-db/callback",
		"GET /auth/associate/corp/authorize",
		"GET /auth/associate/corp/callback",
	}
}

// checkOpenAPICommand checks that `authserver openapi` prints the document
// the server serves (but for servers, which names where it runs), and that
// a Go client generated from the printed one builds.
func checkOpenAPICommand(t *testing.T, server string, env []string, served []byte) {
	t.Helper()
	stdout, stderr, code := runServer(t, server, env, "openapi")
	if code != 0 {
		t.Fatalf("authserver openapi: exit %d\n%s", code, stderr)
	}
	var printed, fetched map[string]any
	if err := json.Unmarshal([]byte(stdout), &printed); err != nil {
		t.Fatalf("authserver openapi printed no JSON document: %v\n%.500s", err, stdout)
	}
	if err := json.Unmarshal(served, &fetched); err != nil {
		t.Fatal(err)
	}
	delete(printed, "servers")
	delete(fetched, "servers")
	if !reflect.DeepEqual(printed, fetched) {
		t.Errorf("authserver openapi prints another document than GET /openapi.json serves")
	}
	buildGeneratedClient(t, []byte(stdout))
}

// buildGeneratedClient generates a Go client from spec with oapi-codegen
// into a new module and builds and vets it: what a user of the service
// does first with its document, and where a schema that is valid OpenAPI
// but unusable (a dangling $ref, clashing operation ids) shows.
func buildGeneratedClient(t *testing.T, spec []byte) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "openapi.json"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/authclient\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runIn(t, dir, "go", "run", oapiCodegen, "-generate", "types,client", "-package", "authclient", "-o", "client.go", "openapi.json")
	runIn(t, dir, "go", "get", oapiCodegenRuntime)
	runIn(t, dir, "go", "mod", "tidy")
	runIn(t, dir, "go", "build", "./...")
	runIn(t, dir, "go", "vet", "./...")
}

// checkDocsPages checks the service's documentation pages: /docs, Swagger
// UI, renders in Chromium with its assets from AUTH_DOCS_ASSETS_URL and
// lists the operations, and the request its "Try it out" sends for
// register (the body Swagger UI fills in from the schema, as JSON) gets
// 201 from the service; /redoc is a page that loads the document. It
// starts a server of its own, as a deployment with its own assets would.
func checkDocsPages(t *testing.T, doc *apiDoc, server string, env []string) {
	t.Helper()
	assets := serveSwaggerUI(t)
	base := startServer(t, server, append(env, "AUTH_DOCS_ASSETS_URL="+assets)...)
	c := &api{doc: doc.at(t, base)}

	status, header, body := c.request(t, "GET", base+"/docs", nil, nil)
	if ct, _, _ := mime.ParseMediaType(header.Get("Content-Type")); status != http.StatusOK || ct != "text/html" || !bytes.Contains(body, []byte(assets)) {
		t.Fatalf("GET /docs: %d %s, want an HTML page loading its assets from AUTH_DOCS_ASSETS_URL %s\n%.1000s", status, header.Get("Content-Type"), assets, body)
	}
	status, header, body = c.request(t, "GET", base+"/redoc", nil, nil)
	if ct, _, _ := mime.ParseMediaType(header.Get("Content-Type")); status != http.StatusOK || ct != "text/html" || !bytes.Contains(body, []byte("openapi.json")) {
		t.Errorf("GET /redoc: %d %s, want an HTML page loading openapi.json\n%.1000s", status, header.Get("Content-Type"), body)
	}
	checkSwaggerUI(t, base+"/docs", "post /auth/register", "post /auth/jwt/login", "get /users/me", "get /auth/corp/authorize")

	sample := doc.requestSample(t, "POST", "/auth/register")
	// The one field a user edits before Execute: Swagger UI's "string"
	// is no password the service takes.
	sample["password"] = "excalibur in the stone"
	// Try it out in the browser itself, with an email of its own; then
	// the same body from here, where the answer is checked against the
	// document.
	sample["email"] = "swagger.ui@camelot.bt"
	browserBody, err := json.Marshal(sample)
	if err != nil {
		t.Fatal(err)
	}
	if status := tryRegisterInBrowser(t, base+"/docs", string(browserBody)); status != "201" {
		t.Errorf("Try it out on POST /auth/register in Chromium with %s: the page shows %q, want 201", browserBody, status)
	}
	sample["email"] = "swagger.ui.again@camelot.bt"
	reqBody, err := json.Marshal(sample)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body = c.request(t, "POST", base+"/auth/register", map[string]string{"Content-Type": "application/json", "Accept": "application/json"}, bytes.NewReader(reqBody))
	if status != http.StatusCreated {
		t.Errorf("Try it out on POST /auth/register with %s: %d %s, want 201", reqBody, status, body)
	}
	c.doc.requireChecked(t, "POST /auth/register")
}

// at returns the document checking exchanges with the same service
// served at another base, as a second server of the same binary is.
func (d *apiDoc) at(t *testing.T, base string) *apiDoc {
	t.Helper()
	doc, err := parseAPIDoc(base, d.spec)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// requestSample returns the JSON body Swagger UI fills in for the
// operation's request: each property of the schema at its example or
// default, or a sample of its type and format.
func (d *apiDoc) requestSample(t *testing.T, method, path string) map[string]any {
	t.Helper()
	item, ok := d.model.Paths.PathItems.Get(path)
	if !ok {
		t.Fatalf("the OpenAPI document has no %s", path)
	}
	op := item.GetOperations().GetOrZero(strings.ToLower(method))
	if op == nil || op.RequestBody == nil {
		t.Fatalf("the OpenAPI document has no %s %s with a request body", method, path)
	}
	media, ok := op.RequestBody.Content.Get("application/json")
	if !ok || media.Schema == nil {
		t.Fatalf("%s %s takes no application/json body", method, path)
	}
	schema := media.Schema.Schema()
	sample := map[string]any{}
	for name, prop := range schema.Properties.FromOldest() {
		sample[name] = sampleValue(prop.Schema())
	}
	return sample
}

// sampleValue is Swagger UI's sample for a schema, for the types a user
// schema holds.
func sampleValue(s *base.Schema) any {
	switch {
	case s == nil:
		return nil
	case len(s.Examples) > 0:
		var v any
		s.Examples[0].Decode(&v)
		return v
	case s.Default != nil:
		var v any
		s.Default.Decode(&v)
		return v
	}
	// A nullable field is anyOf its type and null, as FastAPI writes it.
	types := s.Type
	for _, alt := range s.AnyOf {
		if sub := alt.Schema(); sub != nil && !slices.Equal(sub.Type, []string{"null"}) {
			return sampleValue(sub)
		}
	}
	switch {
	case slices.Contains(types, "boolean"):
		return true
	case slices.Contains(types, "integer"), slices.Contains(types, "number"):
		return 0
	case slices.Contains(types, "string"):
		switch s.Format {
		case "email":
			return "user@example.com"
		case "uuid":
			return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
		case "date":
			return "2026-11-30"
		case "date-time":
			return "2026-11-30T12:00:00Z"
		}
		return "string"
	}
	return nil
}

// normalizeOp writes an operation's path parameters as {}.
func normalizeOp(op string) string {
	var b strings.Builder
	inParam := false
	for _, r := range op {
		switch {
		case r == '{':
			inParam = true
			b.WriteString("{}")
		case r == '}':
			inParam = false
		case !inParam:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sortedKeys lists a count map's keys, for messages.
func sortedKeys(m map[string]int) string {
	return fmt.Sprint(slices.Sorted(maps.Keys(m)))
}
