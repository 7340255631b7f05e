package oidcprovider

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	clientID     = "app"
	clientSecret = "s3cret:with/odd&chars"
	redirectURI  = "http://127.0.0.1:9/auth/corp/callback"
	// verifier is a PKCE verifier of 43 characters.
	verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

// noRedirects is a client that hands back the provider's redirects, as
// the tests read the code from them.
func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func getJSON(t *testing.T, u string, header http.Header) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestDiscovery(t *testing.T) {
	p := Start(t, map[string]string{clientID: clientSecret})
	if !strings.HasPrefix(p.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %q, want plain http on 127.0.0.1", p.URL())
	}
	status, doc := getJSON(t, p.URL()+"/.well-known/openid-configuration", nil)
	if status != http.StatusOK {
		t.Fatalf("discovery: %d", status)
	}
	want := map[string]any{
		"issuer":                                p.URL(),
		"authorization_endpoint":                p.URL() + "/authorize",
		"token_endpoint":                        p.URL() + "/token",
		"userinfo_endpoint":                     p.URL() + "/userinfo",
		"jwks_uri":                              p.URL() + "/jwks",
		"token_endpoint_auth_methods_supported": []any{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []any{"S256", "plain"},
		"grant_types_supported":                 []any{"authorization_code"},
		"id_token_signing_alg_values_supported": []any{"RS256"},
	}
	for k, v := range want {
		if !reflect.DeepEqual(doc[k], v) {
			t.Errorf("%s = %v, want %v", k, doc[k], v)
		}
	}
	status, jwks := getJSON(t, p.URL()+"/jwks", nil)
	keys, _ := jwks["keys"].([]any)
	if status != http.StatusOK || len(keys) != 1 {
		t.Fatalf("jwks: %d %v", status, jwks)
	}
	if _, kid := p.PublicKey(); keys[0].(map[string]any)["kid"] != kid {
		t.Errorf("jwks kid %v, want %s", keys[0].(map[string]any)["kid"], kid)
	}
}

// authorize runs an authorization request with params added to the
// usual ones and returns the query of the redirect back to the client.
func authorize(t *testing.T, p *Provider, params url.Values) url.Values {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI}, "state": {"st"}, "scope": {"openid email"}}
	for k, v := range params {
		q[k] = v
	}
	resp, err := noRedirects().Get(p.URL() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorize: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if base := loc.Scheme + "://" + loc.Host + loc.Path; base != redirectURI {
		t.Fatalf("redirected to %s, want %s", base, redirectURI)
	}
	return loc.Query()
}

// exchange posts a token request with form, authenticating as auth says:
// "basic", "post" or "none".
func exchange(t *testing.T, p *Provider, auth, secret string, form url.Values) (int, map[string]any) {
	t.Helper()
	form = cloneValues(form)
	if auth == "post" {
		form.Set("client_id", clientID)
		form.Set("client_secret", secret)
	}
	req, err := http.NewRequest("POST", p.URL()+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth == "basic" {
		req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("token answer: %v", err)
	}
	return resp.StatusCode, body
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestCodeFlow walks the authorization code flow with PKCE and both
// client authentications, checks the signed ID token against the JWKS
// and the user at userinfo.
func TestCodeFlow(t *testing.T) {
	for _, tt := range []struct {
		auth, method, challenge string
	}{
		{"basic", "S256", s256(verifier)},
		{"post", "plain", verifier},
		{"basic", "", ""},
	} {
		t.Run(tt.auth+"-"+tt.method, func(t *testing.T) {
			p := Start(t, map[string]string{clientID: clientSecret})
			p.Login("corp-42", "Ann@Example.org", false)
			params := url.Values{"nonce": {"n-0S6_WzA2Mj"}}
			if tt.challenge != "" {
				params.Set("code_challenge", tt.challenge)
				params.Set("code_challenge_method", tt.method)
			}
			back := authorize(t, p, params)
			if back.Get("state") != "st" || back.Get("code") == "" {
				t.Fatalf("redirect query %v, want the state and a code", back)
			}
			a, ok := p.LastAuthorization()
			if !ok || a.Nonce != "n-0S6_WzA2Mj" || a.CodeChallenge != tt.challenge || a.CodeChallengeMethod != tt.method || a.RedirectURI != redirectURI || a.User.Sub != "corp-42" {
				t.Errorf("last authorization %+v", a)
			}
			form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")}, "redirect_uri": {redirectURI}}
			if tt.challenge != "" {
				form.Set("code_verifier", verifier)
			}
			status, tok := exchange(t, p, tt.auth, clientSecret, form)
			if status != http.StatusOK || tok["token_type"] != "Bearer" || tok["expires_in"] != 3600.0 || tok["access_token"] == "" {
				t.Fatalf("token: %d %v", status, tok)
			}
			claims := verifyIDToken(t, p, tok["id_token"].(string))
			for k, v := range map[string]any{"iss": p.URL(), "aud": clientID, "sub": "corp-42", "email": "Ann@Example.org", "email_verified": false, "nonce": "n-0S6_WzA2Mj"} {
				if claims[k] != v {
					t.Errorf("id_token %s = %v, want %v", k, claims[k], v)
				}
			}
			iat, exp := claims["iat"].(float64), claims["exp"].(float64)
			if now := float64(time.Now().Unix()); iat < now-60 || iat > now+1 || exp != iat+3600 {
				t.Errorf("iat %v, exp %v", iat, exp)
			}
			status, info := getJSON(t, p.URL()+"/userinfo", http.Header{"Authorization": {"Bearer " + tok["access_token"].(string)}})
			if want := map[string]any{"sub": "corp-42", "email": "Ann@Example.org", "email_verified": false}; status != http.StatusOK || !reflect.DeepEqual(info, want) {
				t.Errorf("userinfo: %d %v, want %v", status, info, want)
			}
			if status, _ := getJSON(t, p.URL()+"/userinfo", http.Header{"Authorization": {"Bearer nope"}}); status != http.StatusUnauthorized {
				t.Errorf("userinfo with an unknown token: %d, want 401", status)
			}
		})
	}
}

// verifyIDToken checks the RS256 signature of token with the key the
// JWKS publishes under its kid, and returns its claims.
func verifyIDToken(t *testing.T, p *Provider, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("id_token %q is no compact JWS", token)
	}
	var header map[string]any
	decode := func(s string, v any) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("id_token part %q: %v", s, err)
		}
		if v != nil {
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatalf("id_token part %s: %v", b, err)
			}
		}
	}
	decode(parts[0], &header)
	if header["alg"] != "RS256" || header["kid"] == "" {
		t.Fatalf("id_token header %v", header)
	}
	_, jwks := getJSON(t, p.URL()+"/jwks", nil)
	var key *rsa.PublicKey
	for _, k := range jwks["keys"].([]any) {
		k := k.(map[string]any)
		if k["kid"] != header["kid"] {
			continue
		}
		n, _ := base64.RawURLEncoding.DecodeString(k["n"].(string))
		e, _ := base64.RawURLEncoding.DecodeString(k["e"].(string))
		key = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	if key == nil {
		t.Fatalf("no key %v in the JWKS %v", header["kid"], jwks)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("id_token signature: %v", err)
	}
	var claims map[string]any
	decode(parts[1], &claims)
	return claims
}

// TestTokenRefused checks what the token endpoint refuses: each case
// authorizes anew, then exchanges the code as it says.
func TestTokenRefused(t *testing.T) {
	p := Start(t, map[string]string{clientID: clientSecret, "other": "other-secret"})
	tests := []struct {
		name       string
		challenge  url.Values
		auth       string
		secret     string
		change     func(form url.Values)
		wantStatus int
		wantError  string
	}{
		{"wrong secret, basic", nil, "basic", "wrong", nil, http.StatusUnauthorized, "invalid_client"},
		{"wrong secret, post", nil, "post", "wrong", nil, http.StatusUnauthorized, "invalid_client"},
		{"no client authentication", nil, "none", "", nil, http.StatusUnauthorized, "invalid_client"},
		{"bad verifier", url.Values{"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}, "basic", clientSecret,
			func(f url.Values) { f.Set("code_verifier", strings.Repeat("x", 43)) }, http.StatusBadRequest, "invalid_grant"},
		{"verifier missing", url.Values{"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}, "basic", clientSecret,
			nil, http.StatusBadRequest, "invalid_grant"},
		{"plain verifier against S256", url.Values{"code_challenge": {verifier}, "code_challenge_method": {"S256"}}, "post", clientSecret,
			func(f url.Values) { f.Set("code_verifier", verifier) }, http.StatusBadRequest, "invalid_grant"},
		{"verifier without challenge", nil, "basic", clientSecret,
			func(f url.Values) { f.Set("code_verifier", verifier) }, http.StatusBadRequest, "invalid_grant"},
		{"other redirect_uri", nil, "basic", clientSecret,
			func(f url.Values) { f.Set("redirect_uri", "http://127.0.0.1:9/elsewhere") }, http.StatusBadRequest, "invalid_grant"},
		{"unknown code", nil, "basic", clientSecret,
			func(f url.Values) { f.Set("code", "made-up") }, http.StatusBadRequest, "invalid_grant"},
		{"other grant type", nil, "basic", clientSecret,
			func(f url.Values) { f.Set("grant_type", "refresh_token") }, http.StatusBadRequest, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			back := authorize(t, p, tt.challenge)
			form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")}, "redirect_uri": {redirectURI}}
			if tt.change != nil {
				tt.change(form)
			}
			status, body := exchange(t, p, tt.auth, tt.secret, form)
			if status != tt.wantStatus || body["error"] != tt.wantError {
				t.Errorf("%d %v, want %d %s", status, body, tt.wantStatus, tt.wantError)
			}
		})
	}
}

// TestCodeSingleUse checks that a code is spent by its first exchange, and
// by a failed one too: after a wrong verifier, the right one is late.
func TestCodeSingleUse(t *testing.T) {
	p := Start(t, map[string]string{clientID: clientSecret})
	challenge := url.Values{"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}
	for _, first := range []string{verifier, strings.Repeat("y", 43)} {
		back := authorize(t, p, challenge)
		form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")}, "redirect_uri": {redirectURI}, "code_verifier": {first}}
		exchange(t, p, "basic", clientSecret, form)
		form.Set("code_verifier", verifier)
		if status, body := exchange(t, p, "basic", clientSecret, form); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Errorf("the code again after a first exchange with verifier %q: %d %v, want 400 invalid_grant", first, status, body)
		}
	}
	// Issued to another client, a code is refused to this one.
	p2 := Start(t, map[string]string{clientID: clientSecret, "other": "x"})
	back := authorize(t, p2, nil)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")}, "redirect_uri": {redirectURI}, "client_id": {"other"}, "client_secret": {"x"}}
	if status, body := exchange(t, p2, "none", "", form); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("another client's code: %d %v, want 400 invalid_grant", status, body)
	}
}

// TestAuthorizeRefused checks that a request with an unknown client or a
// bad redirect URI is refused at the provider, and other errors are sent
// back to the client.
func TestAuthorizeRefused(t *testing.T) {
	p := Start(t, map[string]string{clientID: clientSecret})
	for _, tt := range []struct {
		name       string
		query      url.Values
		wantStatus int
		wantError  string
	}{
		{"unknown client", url.Values{"response_type": {"code"}, "client_id": {"nobody"}, "redirect_uri": {redirectURI}}, http.StatusBadRequest, ""},
		{"relative redirect", url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {"/callback"}}, http.StatusBadRequest, ""},
		{"implicit flow", url.Values{"response_type": {"token"}, "client_id": {clientID}, "redirect_uri": {redirectURI}}, http.StatusFound, "unsupported_response_type"},
		{"unknown challenge method", url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI}, "code_challenge": {"abc"}, "code_challenge_method": {"S512"}}, http.StatusFound, "invalid_request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := noRedirects().Get(p.URL() + "/authorize?" + tt.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != tt.wantStatus || (tt.wantError != "" && loc.Query().Get("error") != tt.wantError) {
				t.Errorf("%d, Location %q; want %d with error %q", resp.StatusCode, resp.Header.Get("Location"), tt.wantStatus, tt.wantError)
			}
		})
	}
}
