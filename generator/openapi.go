package generator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The OpenAPI document of the generated service is built here, in Go, from
// the same view the handlers' templates read: the custom fields' JSON
// types, lengths, enums and defaults come from the values that drive the
// request decoding, so the document cannot drift from the validation.
//
// It follows FastAPI Users' own document (FastAPI's names, key order,
// operationIds, schema names and examples), so that a client generated
// from either works against the service, and it departs from it only
// where that document is wrong about what the server does, or where the
// service does more; each addition is marked "x-authgen-extension": true.

// object is a JSON object that keeps its members in the order they were
// added, as FastAPI writes its document.
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalNoEscape(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoEscape marshals v without escaping <, > and &: the document
// is served as JSON, never inside HTML.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// get returns the value of key, or nil.
func (o object) get(key string) any {
	for _, m := range o {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

func ref(schema string) object { return object{{"$ref", "#/components/schemas/" + schema}} }

// extension marks what FastAPI Users' document does not have.
var extensionMark = member{"x-authgen-extension", true}

// openAPIDocument returns the service's OpenAPI 3.1 document for v,
// indented by two spaces as FastAPI Users' fixture files are, with a final
// newline.
func openAPIDocument(v view) ([]byte, error) {
	doc := buildOpenAPI(v)
	compact, err := marshalNoEscape(doc)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// nonWord is what FastAPI replaces with _ in an operationId.
var nonWord = regexp.MustCompile(`\W`)

// operation describes one route as FastAPI derives its names: name is the
// route's name in FastAPI Users (auth:jwt.login).
type operation struct {
	name, path, method string
}

// id is FastAPI's generate_unique_id: the name and path with every
// non-word character as _, then the method.
func (op operation) id() string {
	return nonWord.ReplaceAllString(op.name+op.path, "_") + "_" + op.method
}

// summary is FastAPI's summary of a named route: the name with _ as a
// space, in Python's title case.
func (op operation) summary() string { return pythonTitle(strings.ReplaceAll(op.name, "_", " ")) }

// pythonTitle is Python's str.title: a letter after a letter is lower
// case, any other letter upper case.
func pythonTitle(s string) string {
	var b strings.Builder
	prevLetter := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevLetter {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToUpper(r)
			}
			prevLetter = true
		} else {
			prevLetter = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// openAPIBuilder collects the document's paths and component schemas.
type openAPIBuilder struct {
	v       view
	paths   object
	schemas map[string]any
	// security is the requirement of an authenticated route: each
	// transport the service has.
	security []object
}

func buildOpenAPI(v view) object {
	b := &openAPIBuilder{v: v, schemas: map[string]any{}}
	if v.HasBearer {
		b.security = append(b.security, object{{"OAuth2PasswordBearer", []string{}}})
	}
	if v.HasCookie {
		b.security = append(b.security, object{{"APIKeyCookie", []string{}}})
	}
	for _, be := range v.Backends {
		b.login(be)
		b.logout(be)
	}
	b.register()
	b.resetPassword()
	b.verify()
	b.users()
	for _, p := range v.OAuth {
		for _, l := range p.Logins {
			b.oauthLogin(p, l)
		}
		if p.AssociatePrefix != "" {
			b.oauthAssociate(p)
		}
	}
	b.extensions()
	b.userSchemas()
	b.commonSchemas()

	names := make([]string, 0, len(b.schemas))
	for name := range b.schemas {
		names = append(names, name)
	}
	slices.Sort(names)
	schemas := object{}
	for _, name := range names {
		schemas = append(schemas, member{name, b.schemas[name]})
	}
	components := object{{"schemas", schemas}}
	if schemes := b.securitySchemes(); len(schemes) > 0 {
		components = append(components, member{"securitySchemes", schemes})
	}
	return object{
		{"openapi", "3.1.0"},
		{"info", object{{"title", "Auth"}, {"version", "0.1.0"}}},
		{"paths", b.paths},
		{"components", components},
	}
}

// securitySchemes are FastAPI Users': the bearer transport's password
// flow at the first bearer backend's login, and the cookie.
func (b *openAPIBuilder) securitySchemes() object {
	var schemes object
	for _, be := range b.v.Backends {
		if be.Transport == "bearer" {
			schemes = append(schemes, member{"OAuth2PasswordBearer", object{
				{"type", "oauth2"},
				{"flows", object{{"password", object{{"scopes", object{}}, {"tokenUrl", strings.TrimPrefix(be.Prefix, "/") + "/login"}}}}},
			}})
			break
		}
	}
	if b.v.HasCookie {
		schemes = append(schemes, member{"APIKeyCookie", object{{"type", "apiKey"}, {"in", "cookie"}, {"name", b.v.Cookie.Name}}})
	}
	return schemes
}

// add puts an operation at its path, after the path's other methods.
func (b *openAPIBuilder) add(path, method string, op object) {
	for i, m := range b.paths {
		if m.key == path {
			b.paths[i].value = append(m.value.(object), member{method, op})
			return
		}
	}
	b.paths = append(b.paths, member{path, object{{method, op}}})
}

// head returns the members an operation begins with.
func head(tag string, op operation) object {
	return object{{"tags", []string{tag}}, {"summary", op.summary()}, {"operationId", op.id()}}
}

// describedHead is head with a description, where FastAPI writes it:
// before the operationId.
func describedHead(tag string, op operation, description string) object {
	return object{{"tags", []string{tag}}, {"summary", op.summary()}, {"description", description}, {"operationId", op.id()}}
}

func jsonContent(schema any) object {
	return object{{"application/json", object{{"schema", schema}}}}
}

func jsonBody(schema string) object {
	return object{{"content", jsonContent(ref(schema))}, {"required", true}}
}

func successful(schema any) object {
	return object{{"description", "Successful Response"}, {"content", jsonContent(schema)}}
}

func validationError() object {
	return object{{"description", "Validation Error"}, {"content", jsonContent(ref("HTTPValidationError"))}}
}

// errorExample is one documented detail of a 400.
type errorExample struct {
	code, summary string
	// reason, when set, makes the detail {"code", "reason"}.
	reason string
	// extension marks a code FastAPI Users never sends.
	extension bool
}

func badRequest(examples ...errorExample) object {
	ex := object{}
	for _, e := range examples {
		var detail any = e.code
		if e.reason != "" {
			detail = object{{"code", e.code}, {"reason", e.reason}}
		}
		example := object{{"summary", e.summary}, {"value", object{{"detail", detail}}}}
		if e.extension {
			example = append(example, extensionMark)
		}
		ex = append(ex, member{e.code, example})
	}
	return object{{"description", "Bad Request"}, {"content", object{{"application/json", object{{"schema", ref("ErrorModel")}, {"examples", ex}}}}}}
}

// reordered returns a 400 of badRequest in the key order FastAPI writes
// for the routes of FastAPI Users that declare it beside other
// dependencies (PATCH /users/{id}, the OAuth callbacks): content before
// description, examples before schema.
func reordered(badRequest object) object {
	media := badRequest.get("content").(object).get("application/json").(object)
	return object{
		{"content", object{{"application/json", object{{"examples", media.get("examples")}, {"schema", media.get("schema")}}}}},
		{"description", badRequest.get("description")},
	}
}

// retryAfter is the Retry-After header of a 429 or 503.
func retryAfter() object {
	return object{{"Retry-After", object{
		{"description", "Seconds to wait before trying again."},
		{"schema", object{{"type", "integer"}, {"minimum", 1}}},
	}}}
}

// tooManyRequests is the 429 of a route with a limit.
func tooManyRequests() object {
	return object{
		{"description", "Too Many Requests: a limit against guessing or floods was reached."},
		{"headers", retryAfter()},
		{"content", object{{"application/json", object{{"schema", ref("ErrorModel")}, {"examples", object{
			{"TOO_MANY_REQUESTS", object{{"summary", "Over a limit; retry after Retry-After seconds."}, {"value", object{{"detail", "TOO_MANY_REQUESTS"}}}}},
		}}}}}},
		extensionMark,
	}
}

// unavailable is the 503 of every route that needs the database, Redis,
// a hashing slot, a hook slot or a provider.
func unavailable() object {
	return object{
		{"description", "Service Unavailable: what the service depends on did not answer in time, or it is saturated."},
		{"headers", retryAfter()},
		{"content", object{{"application/json", object{{"schema", ref("ErrorModel")}, {"example", object{{"detail", "Service Unavailable"}}}}}}},
		extensionMark,
	}
}

func unauthorized() object { return object{{"description", "Missing token or inactive user."}} }

// forbiddenUnverified is the 403 of the routes of an active user when the
// service requires verification.
func forbiddenUnverified() object { return object{{"description", "The user is not verified."}} }

func noContent() object { return object{{"description", "No Content"}} }

// authenticated returns the responses of a route that needs an active
// user: 401, and 403 when verification is required.
func (b *openAPIBuilder) authenticated(responses object) object {
	responses = append(responses, member{"401", unauthorized()})
	if b.v.RequiresVerification {
		responses = append(responses, member{"403", forbiddenUnverified()})
	}
	return responses
}

// loginErrors are the 400 details of a login.
func loginErrors() []errorExample {
	return []errorExample{
		{code: "LOGIN_BAD_CREDENTIALS", summary: "Bad credentials or the user is inactive."},
		{code: "LOGIN_USER_NOT_VERIFIED", summary: "The user is not verified."},
	}
}

// bearerSuccess is a bearer login's 200, with a token as the service
// issues them (sub, aud as a list, exp).
func bearerSuccess() object {
	return object{{"description", "Successful Response"}, {"content", object{{"application/json", object{
		{"schema", ref("BearerResponse")},
		{"example", object{{"access_token", exampleJWT()}, {"token_type", "bearer"}}},
	}}}}}
}

// exampleJWT is a token of the form the service issues, signed with the
// secret "SECRET" so that it is well-formed but valid nowhere.
func exampleJWT() string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims := enc.EncodeToString([]byte(`{"sub":"9221ffc9-640f-4372-86d3-ce642cba5603","aud":["fastapi-users:auth"],"exp":1571504193}`))
	mac := hmac.New(sha256.New, []byte("SECRET"))
	mac.Write([]byte(header + "." + claims))
	return header + "." + claims + "." + enc.EncodeToString(mac.Sum(nil))
}

func (b *openAPIBuilder) login(be backendView) {
	op := operation{name: "auth:" + be.Name + ".login", path: be.Prefix + "/login", method: "post"}
	body := "Body_" + op.id()
	b.schemas[body] = loginForm(body)
	o := head("auth", op)
	o = append(o, member{"requestBody", object{{"content", object{{"application/x-www-form-urlencoded", object{{"schema", ref(body)}}}}}, {"required", true}}})
	responses := object{}
	if be.Transport == "bearer" {
		responses = append(responses, member{"200", bearerSuccess()})
	}
	responses = append(responses, member{"400", badRequest(loginErrors()...)})
	if be.Transport == "cookie" {
		responses = append(responses, member{"204", cookieSet()})
	}
	responses = append(responses, member{"422", validationError()}, member{"429", tooManyRequests()}, member{"503", unavailable()})
	o = append(o, member{"responses", responses})
	b.add(op.path, op.method, o)
}

// cookieSet is a cookie login's 204.
func cookieSet() object {
	return object{{"description", "No Content"}, {"headers", object{{"Set-Cookie", object{
		{"description", "The authentication cookie."},
		{"schema", object{{"type", "string"}}},
	}}}}}
}

// loginForm is FastAPI's OAuth2PasswordRequestForm, which the login
// handler reads: username and password; the others are taken and
// ignored, as FastAPI Users ignores them.
func loginForm(title string) object {
	nullableString := []any{object{{"type", "string"}}, object{{"type", "null"}}}
	return object{
		{"properties", object{
			{"grant_type", object{{"anyOf", []any{object{{"type", "string"}, {"pattern", "^password$"}}, object{{"type", "null"}}}}, {"title", "Grant Type"}}},
			{"username", object{{"type", "string"}, {"title", "Username"}}},
			{"password", object{{"type", "string"}, {"format", "password"}, {"title", "Password"}}},
			{"scope", object{{"type", "string"}, {"title", "Scope"}, {"default", ""}}},
			{"client_id", object{{"anyOf", nullableString}, {"title", "Client Id"}}},
			{"client_secret", object{{"anyOf", nullableString}, {"format", "password"}, {"title", "Client Secret"}}},
		}},
		{"type", "object"},
		{"required", []string{"username", "password"}},
		{"title", title},
	}
}

func (b *openAPIBuilder) logout(be backendView) {
	op := operation{name: "auth:" + be.Name + ".logout", path: be.Prefix + "/logout", method: "post"}
	o := head("auth", op)
	// FastAPI Users documents a 200 first, and a cookie transport's 204
	// after the 401: the 204 takes the place of whichever it documents.
	var responses object
	if be.Transport == "cookie" {
		responses = append(b.authenticated(object{}), member{"204", noContent()})
	} else {
		responses = b.authenticated(object{{"204", noContent()}})
	}
	responses = append(responses, member{"503", unavailable()})
	o = append(o, member{"responses", responses}, member{"security", b.security})
	b.add(op.path, op.method, o)
}

func (b *openAPIBuilder) register() {
	op := operation{name: "register:register", path: "/auth/register", method: "post"}
	o := head("auth", op)
	o = append(o, member{"requestBody", jsonBody("UserCreate")}, member{"responses", object{
		{"201", successful(ref("UserRead"))},
		{"400", badRequest(
			errorExample{code: "REGISTER_USER_ALREADY_EXISTS", summary: "A user with this email already exists."},
			errorExample{code: "REGISTER_INVALID_PASSWORD", summary: "Password validation failed.", reason: b.passwordReason()},
		)},
		{"422", validationError()},
		{"429", tooManyRequests()},
		{"503", unavailable()},
	}})
	b.add(op.path, op.method, o)
}

// passwordReason is the reason the service gives for a password too
// short.
func (b *openAPIBuilder) passwordReason() string {
	return "Password should be at least " + strconv.Itoa(b.v.Password.MinLength) + " characters"
}

// emailBody is the body of forgot-password and request-verify-token.
func emailBody(title string) object {
	return object{
		{"properties", object{{"email", object{{"type", "string"}, {"format", "email"}, {"title", "Email"}}}}},
		{"type", "object"}, {"required", []string{"email"}}, {"title", title},
	}
}

func (b *openAPIBuilder) resetPassword() {
	forgot := operation{name: "reset:forgot_password", path: "/auth/forgot-password", method: "post"}
	body := "Body_" + forgot.id()
	b.schemas[body] = emailBody(body)
	o := head("auth", forgot)
	o = append(o, member{"requestBody", jsonBody(body)}, member{"responses", object{
		{"202", successful(object{})},
		{"422", validationError()},
		{"429", tooManyRequests()},
		{"503", unavailable()},
	}})
	b.add(forgot.path, forgot.method, o)

	reset := operation{name: "reset:reset_password", path: "/auth/reset-password", method: "post"}
	body = "Body_" + reset.id()
	b.schemas[body] = object{
		{"properties", object{
			{"token", object{{"type", "string"}, {"title", "Token"}}},
			{"password", object{{"type", "string"}, {"title", "Password"}}},
		}},
		{"type", "object"}, {"required", []string{"token", "password"}}, {"title", body},
	}
	o = head("auth", reset)
	o = append(o, member{"requestBody", jsonBody(body)}, member{"responses", object{
		{"200", successful(object{})},
		{"400", badRequest(
			errorExample{code: "RESET_PASSWORD_BAD_TOKEN", summary: "Bad or expired token."},
			errorExample{code: "RESET_PASSWORD_INVALID_PASSWORD", summary: "Password validation failed.", reason: b.passwordReason()},
		)},
		{"422", validationError()},
		{"503", unavailable()},
	}})
	b.add(reset.path, reset.method, o)
}

func (b *openAPIBuilder) verify() {
	request := operation{name: "verify:request-token", path: "/auth/request-verify-token", method: "post"}
	body := "Body_" + request.id()
	b.schemas[body] = emailBody(body)
	o := head("auth", request)
	o = append(o, member{"requestBody", jsonBody(body)}, member{"responses", object{
		{"202", successful(object{})},
		{"422", validationError()},
		{"429", tooManyRequests()},
		{"503", unavailable()},
	}})
	b.add(request.path, request.method, o)

	verify := operation{name: "verify:verify", path: "/auth/verify", method: "post"}
	body = "Body_" + verify.id()
	b.schemas[body] = object{
		{"properties", object{{"token", object{{"type", "string"}, {"title", "Token"}}}}},
		{"type", "object"}, {"required", []string{"token"}}, {"title", body},
	}
	o = head("auth", verify)
	o = append(o, member{"requestBody", jsonBody(body)}, member{"responses", object{
		{"200", successful(ref("UserRead"))},
		{"400", badRequest(
			errorExample{code: "VERIFY_USER_BAD_TOKEN", summary: "Bad token, not existing user or not the e-mail currently set for the user."},
			errorExample{code: "VERIFY_USER_ALREADY_VERIFIED", summary: "The user is already verified."},
		)},
		{"422", validationError()},
		{"503", unavailable()},
	}})
	b.add(verify.path, verify.method, o)
}

// updateErrors are the 400 details of a user update.
func (b *openAPIBuilder) updateErrors() object {
	return badRequest(
		errorExample{code: "UPDATE_USER_EMAIL_ALREADY_EXISTS", summary: "A user with this email already exists."},
		errorExample{code: "UPDATE_USER_INVALID_PASSWORD", summary: "Password validation failed.", reason: b.passwordReason()},
	)
}

func idParameter() []any {
	return []any{object{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", object{{"type", "string"}, {"title", "Id"}}}}}
}

func (b *openAPIBuilder) users() {
	me := operation{name: "users:current_user", path: "/users/me", method: "get"}
	o := head("users", me)
	o = append(o, member{"responses", append(b.authenticated(object{{"200", successful(ref("UserRead"))}}), member{"503", unavailable()})}, member{"security", b.security})
	b.add(me.path, me.method, o)

	patchMe := operation{name: "users:patch_current_user", path: "/users/me", method: "patch"}
	o = head("users", patchMe)
	responses := b.authenticated(object{{"200", successful(ref("UserRead"))}})
	responses = append(responses, member{"400", b.updateErrors()}, member{"422", validationError()}, member{"503", unavailable()})
	o = append(o, member{"requestBody", jsonBody("UserUpdate")}, member{"responses", responses}, member{"security", b.security})
	b.add(patchMe.path, patchMe.method, o)

	superuser := func(responses object) object {
		responses = append(responses, member{"401", unauthorized()}, member{"403", object{{"description", "Not a superuser."}}}, member{"404", object{{"description", "The user does not exist."}}})
		return responses
	}
	get := operation{name: "users:user", path: "/users/{id}", method: "get"}
	o = head("users", get)
	o = append(o, member{"security", b.security}, member{"parameters", idParameter()}, member{"responses", append(superuser(object{{"200", successful(ref("UserRead"))}}),
		member{"422", validationError()}, member{"503", unavailable()})})
	b.add(get.path, get.method, o)

	patch := operation{name: "users:patch_user", path: "/users/{id}", method: "patch"}
	o = head("users", patch)
	body := object{{"required", true}, {"content", jsonContent(ref("UserUpdate"))}}
	o = append(o, member{"security", b.security}, member{"parameters", idParameter()}, member{"requestBody", body}, member{"responses", append(superuser(object{{"200", successful(ref("UserRead"))}}),
		member{"400", reordered(b.updateErrors())}, member{"422", validationError()}, member{"503", unavailable()})})
	b.add(patch.path, patch.method, o)

	del := operation{name: "users:delete_user", path: "/users/{id}", method: "delete"}
	o = head("users", del)
	o = append(o, member{"security", b.security}, member{"parameters", idParameter()}, member{"responses", append(superuser(object{{"204", object{{"description", "Successful Response"}}}}),
		member{"422", validationError()}, member{"503", unavailable()})})
	b.add(del.path, del.method, o)
}

// oauthCallbackErrors are the 400 details of an OAuth callback.
func (b *openAPIBuilder) oauthCallbackErrors(associate bool) []errorExample {
	examples := []errorExample{
		{code: "OAUTH_INVALID_STATE", summary: "The state is invalid, used, or does not match the CSRF cookie."},
		{code: "ACCESS_TOKEN_DECODE_ERROR", summary: "Access token is error."},
		{code: "ACCESS_TOKEN_ALREADY_EXPIRED", summary: "Access token is already expired."},
		{code: "OAUTH_PROVIDER_ERROR", summary: "The provider sent an error or refused the code.", extension: true},
		{code: "OAUTH_NOT_AVAILABLE_EMAIL", summary: "The provider gave no usable email."},
	}
	if associate {
		return append(examples, errorExample{code: "OAUTH_ACCOUNT_ALREADY_LINKED", summary: "The provider account is linked to another user.", extension: true})
	}
	examples = append(examples,
		errorExample{code: "OAUTH_USER_ALREADY_EXISTS", summary: "A user with the provider account's email already exists."},
		errorExample{code: "LOGIN_BAD_CREDENTIALS", summary: "User is inactive."},
	)
	if b.v.RequiresVerification {
		examples = append(examples, errorExample{code: "LOGIN_USER_NOT_VERIFIED", summary: "The user is not verified."})
	}
	return examples
}

func scopesParameter() []any {
	return []any{object{{"name", "scopes"}, {"in", "query"}, {"required", false}, {"schema", object{{"type", "array"}, {"items", object{{"type", "string"}}}, {"title", "Scopes"}}}}}
}

// callbackParameters are those the callbacks read; FastAPI Users also
// documents code_verifier, which it never uses.
func callbackParameters() []any {
	var params []any
	for _, name := range []string{"code", "state", "error"} {
		params = append(params, object{{"name", name}, {"in", "query"}, {"required", false}, {"schema", object{
			{"anyOf", []any{object{{"type", "string"}}, object{{"type", "null"}}}}, {"title", pythonTitle(name)},
		}}})
	}
	return params
}

func (b *openAPIBuilder) authorize(op operation, security bool) {
	o := head("auth", op)
	if security {
		o = append(o, member{"security", b.security})
	}
	responses := object{{"200", successful(ref("OAuth2AuthorizeResponse"))}}
	if security {
		responses = b.authenticated(responses)
	}
	responses = append(responses, member{"422", validationError()}, member{"503", unavailable()})
	o = append(o, member{"parameters", scopesParameter()}, member{"responses", responses})
	b.add(op.path, op.method, o)
	b.schemas["OAuth2AuthorizeResponse"] = object{
		{"properties", object{{"authorization_url", object{{"type", "string"}, {"title", "Authorization Url"}}}}},
		{"type", "object"}, {"required", []string{"authorization_url"}}, {"title", "OAuth2AuthorizeResponse"},
	}
}

func (b *openAPIBuilder) oauthLogin(p oauthView, l oauthLoginView) {
	name := "oauth:" + p.Name + "." + l.Backend
	b.authorize(operation{name: name + ".authorize", path: l.Prefix + "/authorize", method: "get"}, false)

	op := operation{name: name + ".callback", path: l.Prefix + "/callback", method: "get"}
	o := describedHead("auth", op, "The response varies based on the authentication backend used.")
	responses := object{}
	transport := ""
	for _, be := range b.v.Backends {
		if be.Name == l.Backend {
			transport = be.Transport
		}
	}
	if transport == "bearer" {
		responses = append(responses, member{"200", bearerSuccess()})
	}
	responses = append(responses, member{"400", reordered(badRequest(b.oauthCallbackErrors(false)...))})
	if transport == "cookie" {
		responses = append(responses, member{"204", cookieSet()}, member{"303", object{
			{"description", "With the provider's success and error redirect URLs set: to the success URL with the cookie set, or to the error URL with ?error=CODE."},
			{"headers", object{{"Location", object{{"schema", object{{"type", "string"}}}}}}},
			extensionMark,
		}})
	}
	responses = append(responses, member{"422", validationError()}, member{"503", unavailable()})
	o = append(o, member{"parameters", callbackParameters()}, member{"responses", responses})
	b.add(op.path, op.method, o)
}

func (b *openAPIBuilder) oauthAssociate(p oauthView) {
	name := "oauth-associate:" + p.Name
	b.authorize(operation{name: name + ".authorize", path: p.AssociatePrefix + "/authorize", method: "get"}, true)

	op := operation{name: name + ".callback", path: p.AssociatePrefix + "/callback", method: "get"}
	o := describedHead("auth", op, "Links the provider account to the logged-in user, and answers the user.")
	o = append(o, member{"security", b.security}, member{"parameters", callbackParameters()})
	responses := b.authenticated(object{{"200", successful(ref("UserRead"))}})
	responses = append(responses, member{"400", reordered(badRequest(b.oauthCallbackErrors(true)...))}, member{"422", validationError()}, member{"503", unavailable()})
	o = append(o, member{"responses", responses})
	b.add(op.path, op.method, o)
}

// extensions adds the routes FastAPI Users does not have.
func (b *openAPIBuilder) extensions() {
	list := operation{name: "users:list_users", path: "/users/", method: "get"}
	o := describedHead("users", list, "Superusers: the users in email order, a page at a time.")
	o = append(o, member{"security", b.security})
	intParam := func(name, title, description string, minimum, maximum, def int) object {
		schema := object{{"type", "integer"}, {"minimum", minimum}, {"maximum", maximum}}
		if def >= 0 {
			schema = append(schema, member{"default", def})
		}
		schema = append(schema, member{"title", title})
		return object{{"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", schema}}
	}
	o = append(o, member{"parameters", []any{
		intParam("limit", "Limit", "The most users in the page.", 1, 100, 50),
		object{{"name", "cursor"}, {"in", "query"}, {"required", false}, {"description", "Where the page starts: from the Link header of the previous page."}, {"schema", object{{"type", "string"}, {"title", "Cursor"}}}},
		intParam("offset", "Offset", "Users to skip; beyond 10,000, page on with the cursor.", 0, 10000, 0),
		object{{"name", "email"}, {"in", "query"}, {"required", false}, {"description", "A prefix of the users' emails, without regard to case."}, {"schema", object{{"type", "string"}, {"title", "Email"}}}},
	}})
	headers := object{
		{"X-Total-Count", object{{"description", "The users that match, counted up to 10,000; on a page without a cursor."}, {"schema", object{{"type", "integer"}}}}},
		{"X-Total-Count-Capped", object{{"description", "true when more than 10,000 users match."}, {"schema", object{{"type", "string"}, {"enum", []string{"true"}}}}}},
		{"Link", object{{"description", "<URL>; rel=\"next\" while more pages follow."}, {"schema", object{{"type", "string"}}}}},
	}
	ok := object{{"description", "Successful Response"}, {"headers", headers}, {"content", jsonContent(object{{"type", "array"}, {"items", ref("UserRead")}})}}
	responses := object{{"200", ok}, {"401", unauthorized()}, {"403", object{{"description", "Not a superuser."}}}, {"422", validationError()}, {"503", unavailable()}}
	o = append(o, member{"responses", responses}, extensionMark)
	b.add(list.path, list.method, o)

	sessions := operation{name: "users:delete_current_user_sessions", path: "/users/me/sessions", method: "delete"}
	o = describedHead("users", sessions, "Logs the user out everywhere: every token of the user ends, this one included.")
	responses = b.authenticated(object{{"204", noContent()}})
	responses = append(responses, member{"503", unavailable()})
	o = append(o, member{"responses", responses}, member{"security", b.security}, extensionMark)
	b.add(sessions.path, sessions.method, o)

	healthz := operation{name: "health:healthz", path: "/healthz", method: "get"}
	o = describedHead("health", healthz, "200 while the process serves.")
	o = append(o, member{"responses", object{{"200", successful(healthStatus("ok"))}}}, extensionMark)
	b.add(healthz.path, healthz.method, o)

	readyz := operation{name: "health:readyz", path: "/readyz", method: "get"}
	ready := "200 when the database answers within 2 s."
	if b.v.HasRedis {
		ready = "200 when the database and Redis answer, each within 2 s."
	}
	o = describedHead("health", readyz, ready)
	o = append(o, member{"responses", object{
		{"200", successful(healthStatus("ready"))},
		{"503", unavailable()},
	}}, extensionMark)
	b.add(readyz.path, readyz.method, o)
}

// healthStatus is the schema of a health route's 200: {"status": status}.
func healthStatus(status string) object {
	return object{
		{"properties", object{{"status", object{{"type", "string"}, {"enum", []string{status}}}}}},
		{"type", "object"}, {"required", []string{"status"}},
	}
}

// commonSchemas are FastAPI's and FastAPI Users' schemas that do not
// depend on the spec.
func (b *openAPIBuilder) commonSchemas() {
	if b.v.HasBearer {
		b.schemas["BearerResponse"] = object{
			{"properties", object{
				{"access_token", object{{"type", "string"}, {"title", "Access Token"}}},
				{"token_type", object{{"type", "string"}, {"title", "Token Type"}}},
			}},
			{"type", "object"}, {"required", []string{"access_token", "token_type"}}, {"title", "BearerResponse"},
		}
	}
	b.schemas["ErrorModel"] = object{
		{"properties", object{{"detail", object{
			{"anyOf", []any{object{{"type", "string"}}, object{{"additionalProperties", object{{"type", "string"}}}, {"type", "object"}}}},
			{"title", "Detail"},
		}}}},
		{"type", "object"}, {"required", []string{"detail"}}, {"title", "ErrorModel"},
	}
	b.schemas["HTTPValidationError"] = object{
		{"properties", object{{"detail", object{{"items", ref("ValidationError")}, {"type", "array"}, {"title", "Detail"}}}}},
		{"type", "object"}, {"title", "HTTPValidationError"},
	}
	b.schemas["ValidationError"] = object{
		{"properties", object{
			{"loc", object{{"items", object{{"anyOf", []any{object{{"type", "string"}}, object{{"type", "integer"}}}}}}, {"type", "array"}, {"title", "Location"}}},
			{"msg", object{{"type", "string"}, {"title", "Message"}}},
			{"type", object{{"type", "string"}, {"title", "Error Type"}}},
			{"input", object{{"title", "Input"}}},
			{"ctx", object{{"type", "object"}, {"title", "Context"}}},
		}},
		{"type", "object"}, {"required", []string{"loc", "msg", "type"}}, {"title", "ValidationError"},
	}
}

// nullable returns schema, whose members are the type's, as also null.
func nullable(schema object) object {
	return object{{"anyOf", []any{schema, object{{"type", "null"}}}}}
}

// userSchemas are UserRead, UserCreate and UserUpdate: FastAPI Users'
// base fields, then the custom fields as the handlers decode them.
func (b *openAPIBuilder) userSchemas() {
	read := object{
		{"id", object{{"type", "string"}, {"format", "uuid"}, {"title", "Id"}}},
		{"email", object{{"type", "string"}, {"format", "email"}, {"title", "Email"}}},
		{"is_active", object{{"type", "boolean"}, {"title", "Is Active"}, {"default", true}}},
		{"is_superuser", object{{"type", "boolean"}, {"title", "Is Superuser"}, {"default", false}}},
		{"is_verified", object{{"type", "boolean"}, {"title", "Is Verified"}, {"default", false}}},
	}
	readRequired := []string{"id", "email"}
	nullableBool := func(title string, def any) object {
		o := nullable(object{{"type", "boolean"}})
		o = append(o, member{"title", title})
		if def != nil {
			o = append(o, member{"default", def})
		}
		return o
	}
	create := object{
		{"email", object{{"type", "string"}, {"format", "email"}, {"title", "Email"}}},
		{"password", object{{"type", "string"}, {"title", "Password"}}},
		{"is_active", nullableBool("Is Active", true)},
		{"is_superuser", nullableBool("Is Superuser", false)},
		{"is_verified", nullableBool("Is Verified", false)},
	}
	createRequired := []string{"email", "password"}
	update := object{
		{"password", append(nullable(object{{"type", "string"}}), member{"title", "Password"})},
		{"email", append(nullable(object{{"type", "string"}, {"format", "email"}}), member{"title", "Email"})},
		{"is_active", nullableBool("Is Active", nil)},
		{"is_superuser", nullableBool("Is Superuser", nil)},
		{"is_verified", nullableBool("Is Verified", nil)},
	}
	if b.v.Password.RequireCurrentPassword {
		update = append(update, member{"current_password", append(nullable(object{{"type", "string"}}), member{"title", "Current Password"},
			member{"description", "The password a new password replaces; required with password."}, extensionMark)})
	}
	for _, f := range b.v.Fields {
		title := pythonTitle(strings.ReplaceAll(f.Name, "_", " "))
		schema := f.JSONSchema()
		withDefault := func(o object) object {
			if f.DefaultJSON != "" {
				o = append(o, member{"default", json.RawMessage(f.DefaultJSON)})
			}
			return o
		}
		// A required field is never null; an optional one may be.
		typed := func() object {
			if f.Required {
				return append(slices.Clone(schema), member{"title", title})
			}
			return append(nullable(schema), member{"title", title})
		}
		read = append(read, member{f.Name, withDefault(typed())})
		if f.Required && f.DefaultJSON == "" {
			readRequired = append(readRequired, f.Name)
			createRequired = append(createRequired, f.Name)
		}
		if f.Required || f.DefaultJSON != "" {
			create = append(create, member{f.Name, withDefault(typed())})
		} else {
			// Left out, an optional field without a default is null.
			create = append(create, member{f.Name, append(typed(), member{"default", nil})})
		}
		update = append(update, member{f.Name, typed()})
	}
	b.schemas["UserRead"] = object{{"properties", read}, {"type", "object"}, {"required", readRequired}, {"title", "UserRead"}}
	b.schemas["UserCreate"] = object{{"properties", create}, {"type", "object"}, {"required", createRequired}, {"title", "UserCreate"}}
	b.schemas["UserUpdate"] = object{{"properties", update}, {"type", "object"}, {"title", "UserUpdate"}}
}

// JSONSchema returns the JSON Schema of the field's non-null values, as
// its decoder accepts them: the type, the format of dates, times and
// UUIDs, a string's maxLength and an enum's values.
func (fv fieldView) JSONSchema() object {
	f := fv.field
	switch f.Type {
	case "string":
		return object{{"type", "string"}, {"maxLength", f.StringMaxLength()}}
	case "text":
		return object{{"type", "string"}}
	case "int":
		return object{{"type", "integer"}}
	case "float":
		return object{{"type", "number"}}
	case "bool":
		return object{{"type", "boolean"}}
	case "date":
		return object{{"type", "string"}, {"format", "date"}}
	case "datetime":
		return object{{"type", "string"}, {"format", "date-time"}}
	case "uuid":
		return object{{"type", "string"}, {"format", "uuid"}}
	case "enum":
		return object{{"type", "string"}, {"enum", f.Values}}
	}
	return object{}
}
