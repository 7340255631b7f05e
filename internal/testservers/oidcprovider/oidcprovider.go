// Package oidcprovider is a fake OpenID Connect provider for authgen's own
// tests: a real HTTP server on a loopback port that answers discovery,
// authorization, token, userinfo and key requests as a provider does, and
// refuses what a provider refuses (a wrong client secret, a redirect URI
// or PKCE verifier that does not match, a code used twice), so that a
// generated service's OAuth routes are tested against the protocol rather
// than against a stub of their own client.
//
// Authorization is approved at once for the user set with Login: no page,
// no consent. Everything is kept in memory and plain http is served, as a
// test needs nothing more.
package oidcprovider

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Lifetimes of what the provider issues: long enough for a slow test,
// short enough that a code is not a credential kept around.
const (
	CodeLifetime        = time.Minute
	AccessTokenLifetime = time.Hour
	IDTokenLifetime     = time.Hour
)

// User is the account the provider logs in: its subject, and the email
// with whether the provider vouches for it. An empty Email is left out of
// the ID token and userinfo, as a provider does when the user hid it.
type User struct {
	Sub           string
	Email         string
	EmailVerified bool
}

// Authorization is an authorization request the provider approved, as the
// client sent it, for tests to check what a service asks for.
type Authorization struct {
	ClientID            string
	RedirectURI         string
	Scope               string
	State               string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	User                User
}

// Provider is a running fake provider. Its methods may be called from
// any goroutine.
type Provider struct {
	server *httptest.Server
	key    *rsa.PrivateKey
	kid    string

	mu      sync.Mutex
	clients map[string]string // client id → secret
	user    User
	codes   map[string]grant
	tokens  map[string]issued // access token → what it gives
	last    Authorization
}

// grant is an authorization code waiting for its exchange.
type grant struct {
	Authorization
	expires time.Time
}

// issued is an access token's user and expiry.
type issued struct {
	user    User
	expires time.Time
}

// Start starts a provider on 127.0.0.1 at a free port, stopped when t
// ends. clients maps each client id it accepts to its secret. Until Login
// says otherwise it logs in the user "user-1", alice@example.com,
// verified.
func Start(t testing.TB, clients map[string]string) *Provider {
	t.Helper()
	p, err := New(clients)
	if err != nil {
		t.Fatalf("starting the OpenID Connect provider: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// New starts a provider as Start does; Close stops it.
func New(clients map[string]string) (*Provider, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the signing key: %w", err)
	}
	p := &Provider{
		key:     key,
		kid:     "test-" + rand.Text()[:8],
		clients: map[string]string{},
		user:    User{Sub: "user-1", Email: "alice@example.com", EmailVerified: true},
		codes:   map[string]grant{},
		tokens:  map[string]issued{},
	}
	for id, secret := range clients {
		p.clients[id] = secret
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	mux.HandleFunc("POST /userinfo", p.userinfo)
	mux.HandleFunc("GET /jwks", p.jwks)
	p.server = httptest.NewServer(mux)
	return p, nil
}

// Close stops the provider.
func (p *Provider) Close() { p.server.Close() }

// URL is the provider's issuer, its base URL without a trailing slash:
// the discovery document is at URL/.well-known/openid-configuration.
func (p *Provider) URL() string { return p.server.URL }

// Login sets the user that the authorizations from now on log in.
func (p *Provider) Login(sub, email string, verified bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = User{Sub: sub, Email: email, EmailVerified: verified}
}

// LastAuthorization returns the last authorization request the provider
// approved, and false when there was none.
func (p *Provider) LastAuthorization() (Authorization, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.last.ClientID != ""
}

// PublicKey is the key the ID tokens are signed with, and its key id.
func (p *Provider) PublicKey() (*rsa.PublicKey, string) { return &p.key.PublicKey, p.kid }

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	base := p.URL()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/authorize",
		"token_endpoint":                        base + "/token",
		"userinfo_endpoint":                     base + "/userinfo",
		"jwks_uri":                              base + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []string{"S256", "plain"},
		"grant_types_supported":                 []string{"authorization_code"},
		"claims_supported":                      []string{"iss", "aud", "sub", "email", "email_verified", "nonce", "iat", "exp"},
	})
}

// authorize approves the request at once and sends the browser back to
// the client with a code, as after the user's consent. As the protocol
// says, a request whose client or redirect URI is wrong is refused here,
// with 400, since the redirect URI cannot be trusted to report it; other
// errors go back to the client as ?error=.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := Authorization{
		ClientID:            q.Get("client_id"),
		RedirectURI:         q.Get("redirect_uri"),
		Scope:               q.Get("scope"),
		State:               q.Get("state"),
		Nonce:               q.Get("nonce"),
		CodeChallenge:       q.Get("code_challenge"),
		CodeChallengeMethod: q.Get("code_challenge_method"),
	}
	p.mu.Lock()
	_, known := p.clients[a.ClientID]
	a.User = p.user
	p.mu.Unlock()
	redirect, err := url.Parse(a.RedirectURI)
	switch {
	case !known:
		http.Error(w, fmt.Sprintf("unknown client_id %q", a.ClientID), http.StatusBadRequest)
		return
	case err != nil || !redirect.IsAbs() || redirect.Fragment != "":
		http.Error(w, fmt.Sprintf("redirect_uri %q is not an absolute URL without a fragment", a.RedirectURI), http.StatusBadRequest)
		return
	}
	back := func(params url.Values) {
		if a.State != "" {
			params.Set("state", a.State)
		}
		u := *redirect
		query := u.Query()
		for k, v := range params {
			query[k] = v
		}
		u.RawQuery = query.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	if a.CodeChallenge != "" && a.CodeChallengeMethod == "" {
		a.CodeChallengeMethod = "plain" // RFC 7636 §4.3
	}
	switch {
	case q.Get("response_type") != "code":
		back(url.Values{"error": {"unsupported_response_type"}, "error_description": {"only response_type=code is served"}})
		return
	case a.CodeChallengeMethod != "" && a.CodeChallenge == "":
		back(url.Values{"error": {"invalid_request"}, "error_description": {"code_challenge_method without code_challenge"}})
		return
	case a.CodeChallengeMethod != "" && a.CodeChallengeMethod != "S256" && a.CodeChallengeMethod != "plain":
		back(url.Values{"error": {"invalid_request"}, "error_description": {"code_challenge_method must be S256 or plain"}})
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.codes[code] = grant{Authorization: a, expires: time.Now().Add(CodeLifetime)}
	p.last = a
	p.mu.Unlock()
	back(url.Values{"code": {code}})
}

// token exchanges an authorization code, once, for an access token and a
// signed ID token. The client authenticates with HTTP Basic or with
// client_id and client_secret in the form, not both; the redirect URI and,
// after a code challenge, the verifier must match the authorization's.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is no form: "+err.Error())
		return
	}
	form := r.PostForm
	clientID, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: form-encoded before the Basic encoding.
		var errID, errSecret error
		clientID, errID = url.QueryUnescape(clientID)
		secret, errSecret = url.QueryUnescape(secret)
		if errID != nil || errSecret != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "the Basic credentials are not form-encoded")
			return
		}
		if form.Has("client_secret") {
			oauthError(w, http.StatusBadRequest, "invalid_request", "the client authenticates with Basic and client_secret both")
			return
		}
	} else {
		clientID, secret = form.Get("client_id"), form.Get("client_secret")
	}
	p.mu.Lock()
	want, known := p.clients[clientID]
	p.mu.Unlock()
	if !known || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="oidcprovider"`)
		}
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	if form.Get("grant_type") != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is served")
		return
	}
	code := form.Get("code")
	p.mu.Lock()
	g, ok := p.codes[code]
	// A code is spent by its first presentation, whatever comes of it:
	// a code stolen and tried is then worth nothing to its owner either,
	// which is what providers do.
	delete(p.codes, code)
	now := time.Now()
	p.mu.Unlock()
	switch {
	case !ok || now.After(g.expires):
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, expired or used code")
		return
	case g.ClientID != clientID:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client")
		return
	case form.Get("redirect_uri") != g.RedirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization's")
		return
	}
	if err := checkVerifier(g.CodeChallenge, g.CodeChallengeMethod, form.Get("code_verifier"), form.Has("code_verifier")); err != "" {
		oauthError(w, http.StatusBadRequest, "invalid_grant", err)
		return
	}
	idToken, err := p.idToken(g.Authorization, now)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	access := rand.Text()
	p.mu.Lock()
	p.tokens[access] = issued{user: g.User, expires: now.Add(AccessTokenLifetime)}
	p.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access,
		"token_type":   "Bearer",
		"expires_in":   int(AccessTokenLifetime.Seconds()),
		"id_token":     idToken,
		"scope":        g.Scope,
	})
}

// checkVerifier checks a PKCE verifier against the challenge of the
// authorization, and returns what is wrong, or "". A verifier without a
// challenge is refused too: a client that sends one meant to send the
// challenge.
func checkVerifier(challenge, method, verifier string, given bool) string {
	switch {
	case challenge == "" && given:
		return "code_verifier without a code_challenge at authorization"
	case challenge == "":
		return ""
	case !given:
		return "code_verifier missing: the authorization had a code_challenge"
	case len(verifier) < 43 || len(verifier) > 128:
		return "code_verifier must have 43 to 128 characters"
	}
	computed := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		computed = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if subtle.ConstantTimeCompare([]byte(computed), []byte(challenge)) != 1 {
		return "code_verifier does not match the code_challenge"
	}
	return ""
}

// idToken signs the ID token of an authorization: RS256 with the
// provider's key, named by kid, so that a client must fetch the JWKS.
func (p *Provider) idToken(a Authorization, now time.Time) (string, error) {
	claims := map[string]any{
		"iss": p.URL(),
		"aud": a.ClientID,
		"sub": a.User.Sub,
		"iat": now.Unix(),
		"exp": now.Add(IDTokenLifetime).Unix(),
	}
	if a.User.Email != "" {
		claims["email"] = a.User.Email
		claims["email_verified"] = a.User.EmailVerified
	}
	if a.Nonce != "" {
		claims["nonce"] = a.Nonce
	}
	return p.Sign(map[string]any{"alg": "RS256", "typ": "JWT", "kid": p.kid}, claims)
}

// Sign returns the compact JWS of claims under header, signed RS256 with
// the provider's key whatever the header says: tests make tokens a
// service must refuse (another kid, alg or audience) with it.
func (p *Provider) Sign(header, claims map[string]any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("encoding the JWS header: %w", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding the claims: %w", err)
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("signing the ID token: %w", err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// userinfo answers the claims of the user an access token was issued
// for, given as a Bearer token.
func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	got, known := p.tokens[token]
	now := time.Now()
	p.mu.Unlock()
	if !ok || !known || now.After(got.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", "unknown or expired access token")
		return
	}
	info := map[string]any{"sub": got.user.Sub}
	if got.user.Email != "" {
		info["email"] = got.user.Email
		info["email_verified"] = got.user.EmailVerified
	}
	writeJSON(w, http.StatusOK, info)
}

// jwks publishes the public key the ID tokens are signed with.
func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	pub := p.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA",
		"use": "sig",
		"alg": "RS256",
		"kid": p.kid,
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// oauthError answers an error of RFC 6749 §5.2.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Scopes splits a scope parameter into its scopes.
func Scopes(scope string) []string {
	return slices.DeleteFunc(strings.Split(scope, " "), func(s string) bool { return s == "" })
}
