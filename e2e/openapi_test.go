package e2e

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// apiDoc is the OpenAPI document of one running service, checking the
// walks' exchanges with that service against it. It remembers which
// operations it checked, so that a document that describes none of the
// walked routes (a wrong prefix, say) cannot pass by checking nothing.
type apiDoc struct {
	// host is the host the document describes: requests to another, such
	// as the fake OAuth provider, are not checked.
	host      string
	spec      []byte
	model     *v3.Document
	validator validator.Validator

	mu      sync.Mutex
	checked map[string]int
}

// parseAPIDoc reads an OpenAPI 3.1 document describing the service at
// base, refusing one the validator cannot build on.
func parseAPIDoc(base string, spec []byte) (*apiDoc, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("parsing the OpenAPI document: %w", err)
	}
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.1") {
		return nil, fmt.Errorf("the OpenAPI document is version %q, want 3.1", v)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("building the OpenAPI model: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("building the validator: %v", errs)
	}
	if ok, docErrs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("the OpenAPI document is not valid OpenAPI: %s", describe(docErrs))
	}
	return &apiDoc{host: u.Host, spec: spec, model: &model.Model, validator: v, checked: map[string]int{}}, nil
}

// fetchAPIDoc fetches the document the service at base serves.
func fetchAPIDoc(t testing.TB, base string) *apiDoc {
	t.Helper()
	status, header, body := (&api{}).request(t, "GET", base+"/openapi.json", nil, nil)
	if ct, _, _ := mime.ParseMediaType(header.Get("Content-Type")); status != http.StatusOK || ct != "application/json" {
		t.Fatalf("GET /openapi.json: %d, Content-Type %q, want 200 and application/json\n%.500s", status, header.Get("Content-Type"), body)
	}
	doc, err := parseAPIDoc(base, body)
	if err != nil {
		t.Fatalf("GET /openapi.json: %v", err)
	}
	return doc
}

// check returns the operation an exchange went to ("POST
// /auth/register") and how it departs from the document: the response's
// status, the headers the document declares for it and its body; and,
// for a request the service accepted with a JSON body or none, the
// request too, since the service then took what the document says it
// refuses. Requests the service refused, which the walks send on purpose,
// and form bodies (logins are sent as curl -F sends them, which FastAPI
// accepts but documents as URL-encoded) are not checked against the
// request schema. An exchange with another host, or with a route the
// document does not describe, returns "" and is not checked.
func (d *apiDoc) check(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) (string, []string) {
	if req.URL.Host != d.host {
		return "", nil
	}
	pathItem, errs, path := paths.FindPath(req, d.model, nil)
	if pathItem == nil || len(errs) > 0 || !templateMatches(path, req.URL.Path) {
		return "", nil
	}
	op := req.Method + " " + path
	d.mu.Lock()
	d.checked[normalizeOp(op)]++
	d.mu.Unlock()

	// The validator reads the bodies: each check gets its own copy.
	req = req.Clone(req.Context())
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	_, found := d.validator.ValidateHttpResponse(req, resp)
	mediaType, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if resp.StatusCode < 300 && (len(reqBody) == 0 || mediaType == "application/json") {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		_, reqErrs := d.validator.ValidateHttpRequestWithPathItem(req, pathItem, path)
		found = append(reqErrs, found...)
	}
	var problems []string
	for _, e := range found {
		problems = append(problems, describe([]*errors.ValidationError{e}))
	}
	// The validator checks a body only against declared content: a
	// success with a body where the document declares none (a 204, say)
	// passes it. An error without declared content is let be: FastAPI
	// documents its 401 and 403 so, and answers them with a detail.
	if declared := declaredResponse(pathItem, req.Method, resp.StatusCode); resp.StatusCode < 300 && declared != nil && orderedmap.Len(declared.Content) == 0 && len(respBody) > 0 {
		problems = append(problems, fmt.Sprintf("a %d-byte body where the document declares none", len(respBody)))
	}
	return op, problems
}

// templateMatches reports whether a path template ("/users/{id}") matches
// a request's path with every parameter filled: the validator's matching
// takes "/users/", the listing route, for "/users/{id}" with an empty id.
// A server URL's base path before the template is allowed.
func templateMatches(template, path string) bool {
	var pattern strings.Builder
	for i, part := range strings.Split(template, "/") {
		if i > 0 {
			pattern.WriteString("/")
		}
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			pattern.WriteString("[^/]+")
		} else {
			pattern.WriteString(regexp.QuoteMeta(part))
		}
	}
	return regexp.MustCompile("(^|/)" + strings.TrimPrefix(pattern.String(), "/") + "$").MatchString(strings.TrimPrefix(path, "/"))
}

// declaredResponse returns the response the document declares for a
// method and status on a path: the status's own, its range's (2XX) or the
// default; nil when none is.
func declaredResponse(item *v3.PathItem, method string, status int) *v3.Response {
	op := item.GetOperations().GetOrZero(strings.ToLower(method))
	if op == nil || op.Responses == nil {
		return nil
	}
	for _, code := range []string{strconv.Itoa(status), fmt.Sprintf("%dXX", status/100)} {
		if r := op.Responses.Codes.GetOrZero(code); r != nil {
			return r
		}
	}
	return op.Responses.Default
}

// describe renders validation errors with their schema failures, which
// say which field is wrong.
func describe(errs []*errors.ValidationError) string {
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", e.Message, e.Reason)
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, " [%s]", f.Error())
		}
	}
	return b.String()
}

// requireChecked fails t unless each operation ("POST /auth/register",
// path parameters written {}) was checked at least once.
func (d *apiDoc) requireChecked(t testing.TB, ops ...string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, op := range ops {
		if d.checked[op] == 0 {
			t.Errorf("the walks checked no exchange with %s against the OpenAPI document; they checked %s", op, sortedKeys(d.checked))
		}
	}
}

// api is the walks' one way to the service. With a document loaded it
// checks every exchange against it, failing the test with the operation
// and the mismatch; without one (before the service serves a document,
// or where answers are outside any contract, as in an outage) it only
// sends. The zero value sends without checking.
type api struct {
	doc *apiDoc
}

// request sends what the seed's curl commands send and returns the
// status, headers and body.
func (a *api) request(t testing.TB, method, url string, header map[string]string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	return a.send(t, http.DefaultClient, method, url, header, body)
}

// send is request through client, for the walks that connect from
// another address or follow no redirect.
func (a *api) send(t testing.TB, client *http.Client, method, url string, header map[string]string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	var reqBody []byte
	if body != nil {
		var err error
		if reqBody, err = io.ReadAll(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(reqBody))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if a != nil && a.doc != nil {
		if op, problems := a.doc.check(req, reqBody, resp, data); len(problems) > 0 {
			t.Errorf("%s answered %d, which the OpenAPI document does not allow:\n\t%s\nbody: %.500s", op, resp.StatusCode, strings.Join(problems, "\n\t"), data)
		}
	}
	return resp.StatusCode, resp.Header, data
}
