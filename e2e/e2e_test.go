// Package e2e holds the end-to-end test: it builds authgen, generates a
// service into a new module on each database, and uses it as a client would.
package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/authgen/authgen/internal/testservers"
	"github.com/authgen/authgen/internal/testservers/oidcprovider"
)

// e2eDatabase is a database the end-to-end test runs the generated
// service on.
type e2eDatabase struct {
	name string
	// open returns the DATABASE_URL of a new, empty database, dropped when
	// t ends.
	open func(t *testing.T, work string) string
}

var e2eDatabases = []e2eDatabase{
	{"sqlite", func(t *testing.T, work string) string { return "sqlite:" + filepath.Join(work, "auth.db") }},
	{"postgres", func(t *testing.T, _ string) string { return testservers.NewDatabase(t, testservers.PostgresEnv) }},
	{"mysql", func(t *testing.T, _ string) string { return testservers.NewDatabase(t, testservers.MySQLEnv) }},
}

// e2eBackends are the backends of every end-to-end module: the two of
// FastAPI Users' flow, which the seed walks, then one of each other
// strategy.
var e2eBackends = []string{"bearer-jwt", "cookie-jwt", "bearer-database", "bearer-redis"}

// The client the end-to-end service is registered as at the fake
// provider, and the front-end page its association router sends the
// browser back to: set through the environment, as it would be in
// production, so that the variable is tested along with the default.
const (
	e2eOAuthClientID        = "authgen-e2e"
	e2eOAuthAssociateReturn = "https://app.camelot.bt/settings/linked"
)

// TestEndToEnd does what a new user does, on each database: it builds
// authgen, runs `authgen init` in a new module, vets, builds and tests the
// generated code, starts the server (mailing through a real SMTP server)
// and walks the flow of FastAPI Users' documentation over real HTTP, then
// logs in and out with database and Redis tokens, resets a password and
// verifies an email from the mailed links; it logs in with an OpenID
// Connect provider, named corp (`authgen init --oauth oidc:corp`), the fake
// one of internal/testservers/oidcprovider, through each kind of OAuth
// router. On
// PostgreSQL and MySQL it
// cuts the server off its database and back; on SQLite it checks
// `authgen generate --check`.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs a generated service; run without -short")
	}
	authgen := filepath.Join(t.TempDir(), "authgen")
	runIn(t, "..", "go", "build", "-o", authgen, ".")
	for _, db := range e2eDatabases {
		t.Run(db.name, func(t *testing.T) {
			redisURL := testservers.URL(t, testservers.RedisEnv)
			work := t.TempDir()
			dbURL := db.open(t, work)
			app := filepath.Join(work, "app")
			if err := os.Mkdir(app, 0o755); err != nil {
				t.Fatal(err)
			}
			runIn(t, app, "go", "mod", "init", "example.com/app")
			initArgs := []string{"init", "--yes", "--db", db.name}
			for _, b := range e2eBackends {
				initArgs = append(initArgs, "--backend", b)
			}
			// The provider is up before the server's first start, as it
			// may read the discovery document then; every start of the
			// server gets its variables.
			clientSecret := rand.Text()
			provider := oidcprovider.Start(t, map[string]string{e2eOAuthClientID: clientSecret})
			initArgs = append(initArgs, "--oauth", "oidc:corp")
			oauthEnv := []string{
				"OAUTH_CORP_CLIENT_ID=" + e2eOAuthClientID,
				"OAUTH_CORP_CLIENT_SECRET=" + clientSecret,
				"OAUTH_CORP_ISSUER=" + provider.URL(),
				"OAUTH_CORP_ASSOCIATE_REDIRECT_URL=" + e2eOAuthAssociateReturn,
			}
			runIn(t, app, authgen, initArgs...)
			runIn(t, app, "go", "vet", "./...")
			runIn(t, app, "go", "test", "-count=1", "./...")

			server := filepath.Join(work, "authserver")
			runIn(t, app, "go", "build", "-o", server, "./cmd/authserver")
			// A secret of the run's own: the limits' buckets in the
			// shared Redis are named with it, so that no earlier run's
			// counts are met.
			secret := rand.Text() + rand.Text()
			env := append([]string{"DATABASE_URL=" + dbURL, "REDIS_URL=" + redisURL, "AUTH_SECRET=" + secret}, oauthEnv...)
			checkStartupError(t, server, db.name, env)
			checkCommandLine(t, server, env)
			checkEnvironment(t, server, env)

			migrate := exec.Command(server, "migrate")
			migrate.Env = append(os.Environ(), env...)
			if out, err := migrate.CombinedOutput(); err != nil || !strings.Contains(string(out), "the database schema is up to date") {
				t.Fatalf("authserver migrate: %v\n%s", err, out)
			}
			mail := startSMTPSink(t)
			base, stop := startStoppableServer(t, server, append(env, "SMTP_URL=smtp://"+mail.addr+"?from=noreply@camelot.bt", "APP_URL=https://app.camelot.bt")...)
			// Every exchange of the walks is checked against the document
			// the server serves, which `authserver openapi` prints too.
			c := &api{doc: fetchAPIDoc(t, base)}
			checkOpenAPICommand(t, server, env, c.doc.spec)
			// The first superuser is made with the server's own command,
			// while the server runs: no database session needed.
			walkSeedFlow(t, c, base, func(email string) {
				cmd := exec.Command(server, "createsuperuser", "--email", email)
				cmd.Env = append(os.Environ(), env...)
				if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "user promoted to superuser") {
					t.Fatalf("authserver createsuperuser --email %s: %v\n%s", email, err, out)
				}
			})
			walkRevocableTokens(t, c, base)
			walkGuesser(t, c, base)
			walkMailFlow(t, c, base, mail)
			walkOAuth(t, c, base, provider)
			c.doc.requireChecked(t, walkedOperations()...)
			// After the walks, which count the users: Try it out
			// registers one. Only the browser may be missing on a
			// developer's machine: its skip ends this subtest, not the
			// database's.
			t.Run("docs", func(t *testing.T) { checkDocsPages(t, c.doc, server, env) })
			walkEvolution(t, c, app, authgen, server, env, base, stop)
			if db.name == "sqlite" {
				checkDrift(t, app, authgen)
				return
			}

			// The same server binary, through a proxy that can cut it off
			// its database.
			u, err := url.Parse(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			proxy := startProxy(t, u.Host)
			u.Host = proxy.addr
			proxied := startServer(t, server, append([]string{"DATABASE_URL=" + u.String(), "REDIS_URL=" + redisURL, "AUTH_SECRET=" + secret}, oauthEnv...)...)
			// An outage's 503 is the server's answer on any route, which
			// the document need not list for each: not checked.
			walkOutage(t, &api{}, proxied, proxy)
		})
	}
}

// walkEvolution does what a user does who adds fields to a service in
// use: it registers 100 users, stops the server, runs `authgen field add`
// twice (over hand edits of the files the user owns), rebuilds and
// restarts the server, and checks that the new migrations ran, every user
// still logs in, and the new fields round-trip through the API. Then
// `authgen generate --check` catches a past migration edited and an
// authgen.yaml edited without regenerating.
func walkEvolution(t *testing.T, c *api, app, authgen, server string, env []string, base string, stop func()) {
	t.Helper()
	jsonHeader := map[string]string{"Content-Type": "application/json"}
	const users = 100
	for i := range users {
		body := fmt.Sprintf(`{"email": "knight%03d@camelot.bt", "password": "round table"}`, i)
		if status, _, resp := c.request(t, "POST", base+"/auth/register", jsonHeader, strings.NewReader(body)); status != http.StatusCreated {
			t.Fatalf("register knight%03d: %d %s", i, status, resp)
		}
	}
	stop()

	owned := map[string][]byte{}
	for _, p := range []string{"internal/auth/hooks.go", "cmd/authserver/main.go"} {
		path := filepath.Join(app, p)
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		content = append(content, "\n// A line of the user's own.\n"...)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		owned[path] = content
	}
	runIn(t, app, authgen, "field", "add", "first_name", "string", "--default", "")
	runIn(t, app, authgen, "field", "add", "birthdate", "date")
	for path, want := range owned {
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s changed by regeneration (%v)", path, err)
		}
	}
	for _, m := range []string{"0002_add_first_name.sql", "0003_add_birthdate.sql"} {
		if _, err := os.Stat(filepath.Join(app, "internal", "auth", "migrations", m)); err != nil {
			t.Errorf("migration %s: %v", m, err)
		}
	}
	runIn(t, app, "go", "vet", "./...")
	runIn(t, app, "go", "build", "-o", server, "./cmd/authserver")

	// The server applies the new migrations as it starts, and its
	// document now has the new fields.
	base = startServer(t, server, env...)
	if c.doc != nil {
		c = &api{doc: fetchAPIDoc(t, base)}
	}
	for i := range users {
		ct, f := form(t, "username", fmt.Sprintf("knight%03d@camelot.bt", i), "password", "round table")
		if status, _, resp := c.request(t, "POST", base+"/auth/jwt/login", map[string]string{"Content-Type": ct}, f); status != http.StatusOK {
			t.Fatalf("knight%03d logs in after the migration: %d %s", i, status, resp)
		}
	}
	ct, f := form(t, "username", "knight000@camelot.bt", "password", "round table")
	_, _, body := c.request(t, "POST", base+"/auth/jwt/login", map[string]string{"Content-Type": ct}, f)
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &login); err != nil {
		t.Fatalf("login: %s", body)
	}
	bearer := map[string]string{"Authorization": "Bearer " + login.AccessToken, "Content-Type": "application/json"}
	wantFields := func(step string, body []byte, firstName string, birthdate any) {
		t.Helper()
		var u map[string]any
		if err := json.Unmarshal(body, &u); err != nil || u["first_name"] != firstName || u["birthdate"] != birthdate {
			t.Errorf("%s: %s, want first_name %q and birthdate %v", step, body, firstName, birthdate)
		}
	}
	_, _, body = c.request(t, "GET", base+"/users/me", bearer, nil)
	wantFields("an existing user after the migration", body, "", nil)
	status, _, body := c.request(t, "PATCH", base+"/users/me", bearer, strings.NewReader(`{"first_name": "Enid", "birthdate": "1985-01-02"}`))
	if status != http.StatusOK {
		t.Errorf("PATCH /users/me with the new fields: %d %s", status, body)
	}
	wantFields("PATCH /users/me", body, "Enid", "1985-01-02")
	_, _, body = c.request(t, "GET", base+"/users/me", bearer, nil)
	wantFields("GET /users/me after PATCH", body, "Enid", "1985-01-02")
	status, _, body = c.request(t, "POST", base+"/auth/register", jsonHeader, strings.NewReader(`{"email": "enide@camelot.bt", "password": "round table", "first_name": "Guinevere", "birthdate": "1990-05-17"}`))
	if status != http.StatusCreated {
		t.Errorf("register with the new fields: %d %s", status, body)
	}
	wantFields("register", body, "Guinevere", "1990-05-17")
	status, _, body = c.request(t, "POST", base+"/auth/register", jsonHeader, strings.NewReader(`{"email": "lynette@camelot.bt", "password": "round table", "birthdate": "17/05/1990"}`))
	if status != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte(`"birthdate"`)) {
		t.Errorf("register with a bad birthdate: %d %s, want a 422 naming birthdate", status, body)
	}

	if code, out := exitCode(t, app, authgen, "generate", "--check"); code != 0 {
		t.Errorf("generate --check after field add: exit %d\n%s", code, out)
	}
	for _, edit := range []struct {
		name, path, add, want string
	}{
		{"a past migration edited", "internal/auth/migrations/0002_add_first_name.sql", "-- edited\n", "past migration changed"},
		{"authgen.yaml edited without regenerating", "authgen.yaml", "    - name: motto\n      type: text\n", "migration pending"},
	} {
		path := filepath.Join(app, edit.path)
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		edited := append(bytes.Clone(orig), edit.add...)
		if edit.path == "authgen.yaml" {
			edited = bytes.Replace(orig, []byte("    - name: birthdate\n"), []byte(edit.add+"    - name: birthdate\n"), 1)
		}
		if err := os.WriteFile(path, edited, 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out := exitCode(t, app, authgen, "generate", "--check"); code != 1 || !strings.Contains(out, edit.want) {
			t.Errorf("generate --check after %s: exit %d, want 1 with %q\n%s", edit.name, code, edit.want, out)
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkStartupError checks that the server, given a database it cannot
// reach, stops at once with one log line that names the database without
// its password, and exit code 1.
func checkStartupError(t *testing.T, server, db string, env []string) {
	t.Helper()
	unreachable := map[string]string{
		"sqlite":   "sqlite:" + filepath.Join(t.TempDir(), "no", "such", "dir", "auth.db"),
		"postgres": "postgres://auth:s3cret@127.0.0.1:1/auth?sslmode=disable",
		"mysql":    "mysql://auth:s3cret@127.0.0.1:1/auth",
	}[db]
	cmd := exec.Command(server)
	cmd.Env = append(append(os.Environ(), env...), "DATABASE_URL="+unreachable, "AUTH_ADDR=127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	exit, ok := err.(*exec.ExitError)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	if !ok || exit.ExitCode() != 1 || !strings.Contains(last, "level=ERROR") || strings.Contains(string(out), "s3cret") {
		t.Errorf("server on an unreachable database: %v, output:\n%s\nwant exit 1 and one error line without the password", err, out)
	}
	if db != "sqlite" && !strings.Contains(last, "connecting to "+strings.Replace(unreachable, "s3cret", "xxxxx", 1)) {
		t.Errorf("start-up error %q does not name the database", last)
	}

	// A URL meant for another database, as a copied configuration holds.
	wrongKind := "postgres://auth:s3cret@127.0.0.1:1/auth"
	if db == "postgres" {
		wrongKind = "mysql://auth:s3cret@127.0.0.1:1/auth"
	}
	stdout, stderr, code := runServer(t, server, append(env, "DATABASE_URL="+wrongKind), "migrate")
	if code != 1 || strings.Contains(stdout+stderr, "s3cret") || !strings.Contains(stderr, "level=ERROR") {
		t.Errorf("server given the URL of another database: exit %d, output:\n%s%s\nwant exit 1 and an error without the password", code, stdout, stderr)
	}
}

// checkCommandLine checks the server's help, what it does with a command
// it does not know or a database pool setting it cannot use, and
// createsuperuser asked to create a user without a password.
func checkCommandLine(t *testing.T, server string, env []string) {
	t.Helper()
	for _, help := range []string{"--help", "-h", "help"} {
		stdout, stderr, code := runServer(t, server, env, help)
		for _, want := range []string{"serve", "migrate", "createsuperuser --email EMAIL", "AUTH_SUPERUSER_PASSWORD", "DATABASE_URL", "DATABASE_MAX_CONNS", "AUTH_SECRET"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("authserver %s: the help lacks %q:\n%s", help, want, stdout)
			}
		}
		if code != 0 || stderr != "" {
			t.Errorf("authserver %s: exit %d, stderr %q; want exit 0 and the help on stdout alone", help, code, stderr)
		}
	}
	stdout, stderr, code := runServer(t, server, env, "frobnicate")
	if code != 2 || stdout != "" || !strings.Contains(stderr, `unknown command "frobnicate"`) || !strings.Contains(stderr, "Usage:") {
		t.Errorf("authserver frobnicate: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and the error and usage on stderr", code, stdout, stderr)
	}
	for _, bad := range []string{"DATABASE_MAX_CONNS=0", "DATABASE_MAX_IDLE_CONNS=-1", "DATABASE_CONN_MAX_IDLE_TIME=soon"} {
		name, _, _ := strings.Cut(bad, "=")
		_, stderr, code := runServer(t, server, append(env, bad), "migrate")
		if code != 1 || !strings.Contains(stderr, name+"=") {
			t.Errorf("authserver migrate with %s: exit %d, stderr:\n%s\nwant exit 1 and an error naming %s", bad, code, stderr, name)
		}
	}
	_, stderr, code = runServer(t, server, env, "createsuperuser", "--email", "newcomer@camelot.bt")
	if code != 1 || !strings.Contains(stderr, "set AUTH_SUPERUSER_PASSWORD") {
		t.Errorf("authserver createsuperuser of a new user without a password: exit %d, stderr:\n%s\nwant exit 1 and an error naming AUTH_SUPERUSER_PASSWORD", code, stderr)
	}
}

// checkEnvironment checks that AUTH_ENV is read without regard to case
// and refused when unknown, rather than a misspelt production running as
// development, and that SIGTERM stops the server within
// AUTH_SHUTDOWN_TIMEOUT with exit code 0 though a client has stalled
// mid-request.
func checkEnvironment(t *testing.T, server string, env []string) {
	t.Helper()
	_, stderr, code := runServer(t, server, append(env, "AUTH_ENV=staging"), "migrate")
	if code != 1 || !strings.Contains(stderr, "staging") || !strings.Contains(stderr, "use production or development") {
		t.Errorf("AUTH_ENV=staging: exit %d, stderr:\n%s\nwant exit 1 and the values it takes", code, stderr)
	}
	_, stderr, code = runServer(t, server, append(env, "AUTH_ENV=Production"), "migrate")
	if code != 1 || !strings.Contains(stderr, "SMTP_URL is required when AUTH_ENV=production") {
		t.Errorf("AUTH_ENV=Production without SMTP_URL: exit %d, stderr:\n%s\nwant it refused as production", code, stderr)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logs := &serverLog{}
	cmd := exec.Command(server)
	cmd.Env = append(append(os.Environ(), env...), "AUTH_ADDR="+addr, "AUTH_SHUTDOWN_TIMEOUT=1s")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	logs.wait(t, "msg=listening")
	// A request whose body never comes: its handler waits for it.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /auth/register HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if took := time.Since(start); err != nil || took > 5*time.Second {
		t.Errorf("SIGTERM with a stalled client: %v after %v, want exit 0 within about 1s\n%s", err, took, logs.String())
	}
	if !strings.Contains(logs.String(), "requests still running were cut off") {
		t.Errorf("the server did not say it cut a request off:\n%s", logs.String())
	}
}

// runServer runs the server with args and env added to its environment,
// without a terminal, and returns its output and exit code.
func runServer(t *testing.T, server string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(server, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("running %s %s: %v", server, strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), 0
}

// walkRevocableTokens logs in through the database and Redis backends,
// uses each token, logs out, and checks the token then gets 401.
func walkRevocableTokens(t *testing.T, c *api, base string) {
	t.Helper()
	status, _, body := c.request(t, "POST", base+"/auth/register", map[string]string{"Content-Type": "application/json"}, strings.NewReader(`{"email": "tristan@camelot.bt","password": "iseult of ireland"}`))
	if status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	for _, prefix := range []string{"/auth/db", "/auth/redis"} {
		ct, f := form(t, "username", "tristan@camelot.bt", "password", "iseult of ireland")
		status, _, body := c.request(t, "POST", base+prefix+"/login", map[string]string{"Content-Type": ct}, f)
		var login struct {
			AccessToken string `json:"access_token"`
		}
		if status != http.StatusOK || json.Unmarshal(body, &login) != nil || len(login.AccessToken) < 43 {
			t.Fatalf("%s/login: %d %s", prefix, status, body)
		}
		bearer := map[string]string{"Authorization": "Bearer " + login.AccessToken}
		if status, _, body := c.request(t, "GET", base+"/users/me", bearer, nil); status != http.StatusOK {
			t.Errorf("GET /users/me with a %s token: %d %s", prefix, status, body)
		}
		if status, _, body := c.request(t, "POST", base+prefix+"/logout", bearer, nil); status != http.StatusNoContent {
			t.Errorf("%s/logout: %d %s", prefix, status, body)
		}
		if status, _, body := c.request(t, "GET", base+"/users/me", bearer, nil); status != http.StatusUnauthorized {
			t.Errorf("GET /users/me with a %s token after logout: %d %s, want 401", prefix, status, body)
		}
	}
}

// walkGuesser guesses an account's password, and an unknown email's, from
// 127.0.0.1 with the default limits: after the free failures both get 429
// with a Retry-After, alike, and the real user, from 127.0.0.2, gets in
// once the delay has passed.
func walkGuesser(t *testing.T, c *api, base string) {
	t.Helper()
	status, _, body := c.request(t, "POST", base+"/auth/register", map[string]string{"Content-Type": "application/json"}, strings.NewReader(`{"email": "gareth@camelot.bt","password": "beaumains of orkney"}`))
	if status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	login := func(client *http.Client, email, password string) (int, string, string) {
		t.Helper()
		form := url.Values{"username": {email}, "password": {password}}.Encode()
		status, header, body := c.send(t, client, "POST", base+"/auth/jwt/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, strings.NewReader(form))
		return status, header.Get("Retry-After"), string(body)
	}
	const freeFailures = 5
	var limitedAt time.Time
	for _, email := range []string{"nobody.at.all@camelot.bt", "gareth@camelot.bt"} {
		for i := range freeFailures {
			if status, _, body := login(http.DefaultClient, email, "a wrong guess"); status != http.StatusBadRequest {
				t.Fatalf("guess %d at %s: %d %s, want 400", i+1, email, status, body)
			}
		}
		status, wait, body := login(http.DefaultClient, email, "a wrong guess")
		if status != http.StatusTooManyRequests || body != `{"detail":"TOO_MANY_REQUESTS"}`+"\n" || wait != "1" {
			t.Fatalf("guess %d at %s: %d, Retry-After %q, %s; want 429, 1 and TOO_MANY_REQUESTS", freeFailures+1, email, status, wait, body)
		}
		limitedAt = time.Now()
	}
	// The real user, from another address, within the delay (unless the
	// machine was too slow to ask within it) and after it.
	elsewhere := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	status, wait, answer := login(elsewhere, "gareth@camelot.bt", "beaumains of orkney")
	switch {
	case status == http.StatusTooManyRequests:
		seconds, err := strconv.Atoi(wait)
		if err != nil || seconds != 1 {
			t.Fatalf("the real user within the delay: Retry-After %q, want 1", wait)
		}
		time.Sleep(time.Second)
		status, _, answer = login(elsewhere, "gareth@camelot.bt", "beaumains of orkney")
	case time.Since(limitedAt) < 900*time.Millisecond:
		t.Fatalf("the real user within the delay: %d %s, want 429", status, answer)
	}
	if status != http.StatusOK {
		t.Fatalf("the real user after the delay: %d %s, want 200", status, answer)
	}
}

// walkOutage cuts the server at base off its database: requests that need
// the database get 503 (not a hang, not a 500) and /readyz 503 while
// /healthz stays 200; once the database is back, the same server answers
// 200 again by itself. Then the database hangs instead: a request gets its
// 503 when its time runs out.
func walkOutage(t *testing.T, c *api, base string, proxy *tcpProxy) {
	t.Helper()
	jsonHeader := map[string]string{"Content-Type": "application/json"}
	if status, _, body := c.request(t, "POST", base+"/auth/register", jsonHeader, strings.NewReader(`{"email": "bedivere@camelot.bt","password": "green knight"}`)); status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	ct, f := form(t, "username", "bedivere@camelot.bt", "password", "green knight")
	status, _, body := c.request(t, "POST", base+"/auth/jwt/login", map[string]string{"Content-Type": ct}, f)
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &login) != nil {
		t.Fatalf("login: %d %s", status, body)
	}
	bearer := map[string]string{"Authorization": "Bearer " + login.AccessToken}

	proxy.cut()
	for _, path := range []string{"/users/me", "/readyz"} {
		start := time.Now()
		status, header, body := c.request(t, "GET", base+path, bearer, nil)
		if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" {
			t.Errorf("GET %s without the database: %d %s, want 503 with Retry-After", path, status, body)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("GET %s without the database took %v", path, took)
		}
	}
	if status, _, body := c.request(t, "GET", base+"/healthz", nil, nil); status != http.StatusOK {
		t.Errorf("GET /healthz without the database: %d %s, want 200", status, body)
	}

	proxy.restore()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, _, body := c.request(t, "GET", base+"/users/me", bearer, nil)
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /users/me 30s after the database came back: %d %s", status, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status, _, body := c.request(t, "GET", base+"/readyz", nil, nil); status != http.StatusOK {
		t.Errorf("GET /readyz after the database came back: %d %s", status, body)
	}

	proxy.cut()
	proxy.stall()
	start := time.Now()
	status, header, body := c.request(t, "GET", base+"/users/me", bearer, nil)
	if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" {
		t.Errorf("GET /users/me while the database hangs: %d %s, want 503 with Retry-After", status, body)
	}
	// The service's RequestTimeout, 15 s, and its readiness check.
	if took := time.Since(start); took > 25*time.Second {
		t.Errorf("GET /users/me while the database hangs took %v", took)
	}
	proxy.cut()
	proxy.restore()
}

// tcpProxy forwards connections to a database server until cut, which
// closes them all and refuses new ones, as a stopped server does.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string

	mu       sync.Mutex
	listener net.Listener
	conns    []net.Conn
	// stalled connections are accepted and never answered, as by a
	// database that hangs.
	stalled bool
}

func startProxy(t *testing.T, target string) *tcpProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{t: t, addr: l.Addr().String(), target: target}
	p.serve(l)
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) serve(l net.Listener) {
	p.mu.Lock()
	p.listener = l
	p.mu.Unlock()
	go func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			stalled := p.stalled
			if stalled {
				p.conns = append(p.conns, client)
			}
			p.mu.Unlock()
			if stalled {
				continue
			}
			server, err := net.Dial("tcp", p.target)
			if err != nil {
				client.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, client, server)
			p.mu.Unlock()
			go func() { io.Copy(server, client); server.Close() }()
			go func() { io.Copy(client, server); client.Close() }()
		}
	}()
}

// cut closes the listener and every forwarded connection.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.listener != nil {
		p.listener.Close()
		p.listener = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address, forwarding.
func (p *tcpProxy) restore() { p.listen(false) }

// stall listens again on the same address, and answers nothing.
func (p *tcpProxy) stall() { p.listen(true) }

func (p *tcpProxy) listen(stalled bool) {
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("listening again on %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.stalled = stalled
	p.mu.Unlock()
	p.serve(l)
}

// runIn runs a command in dir and fails the test with its output when it
// fails.
func runIn(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// exitCode runs a command and returns its exit code and output.
func exitCode(t *testing.T, dir, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return 0, string(out)
}

// startServer starts the generated server on a free port with env added
// to its environment, and waits until it answers.
func startServer(t *testing.T, server string, env ...string) string {
	t.Helper()
	base, _ := startStoppableServer(t, server, env...)
	return base
}

// startStoppableServer is startServer that also returns a function that
// stops the server.
func startStoppableServer(t *testing.T, server string, env ...string) (string, func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	ctx, cancel := context.WithCancel(context.Background())
	logs := &serverLog{}
	cmd := exec.CommandContext(ctx, server)
	cmd.Env = append(append(os.Environ(), env...), "AUTH_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			cmd.Wait()
		})
	}
	t.Cleanup(func() {
		stop()
		// The seed flow's passwords; the access log shows no body.
		for _, secret := range []string{"guinevere", "lancelot"} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the server log shows the password %q", secret)
			}
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/users/me?token=query-secret")
		if err == nil {
			resp.Body.Close()
			logs.wait(t, "msg=listening addr="+addr)
			logs.wait(t, "msg=request method=GET path=/users/me status=401")
			if strings.Contains(logs.String(), "query-secret") {
				t.Errorf("the access log shows a query string:\n%s", logs.String())
			}
			return base, stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not answer on %s within 30s: %v\n%s", addr, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serverLog is the output of a running server, safe to read while the
// server writes it.
type serverLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *serverLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// wait fails t unless the log shows want within 5s: a line the server
// wrote reaches the log after the answer that followed it may have.
func (l *serverLog) wait(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(l.String(), want); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("the server log lacks %q:\n%s", want, l.String())
			return
		}
	}
}

// form encodes fields as curl -F does.
func form(t *testing.T, fields ...string) (string, io.Reader) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &b
}

// expectUser checks a UserRead body and returns its id.
func expectUser(t *testing.T, step string, body []byte, email string, superuser bool) string {
	t.Helper()
	var u map[string]any
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatalf("%s: body %s: %v", step, body, err)
	}
	for _, key := range []string{"id", "email", "is_active", "is_superuser", "is_verified"} {
		if _, ok := u[key]; !ok {
			t.Errorf("%s: body %s lacks %q", step, body, key)
		}
	}
	if u["email"] != email || u["is_active"] != true || u["is_superuser"] != superuser {
		t.Errorf("%s: body %s, want email %s, active, superuser %v", step, body, email, superuser)
	}
	id, _ := u["id"].(string)
	return id
}

// walkSeedFlow follows the curl commands of FastAPI Users' flow page.
func walkSeedFlow(t *testing.T, c *api, base string, promote func(email string)) {
	jsonHeader := map[string]string{"Content-Type": "application/json"}
	bearer := func(token string) map[string]string {
		return map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token}
	}
	const email = "king.arthur@camelot.bt"

	status, _, body := c.request(t, "POST", base+"/auth/register", jsonHeader, strings.NewReader(`{"email": "king.arthur@camelot.bt","password": "guinevere"}`))
	if status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	id := expectUser(t, "register", body, email, false)

	ct, f := form(t, "username", email, "password", "guinevere")
	status, _, body = c.request(t, "POST", base+"/auth/jwt/login", map[string]string{"Content-Type": ct}, f)
	var login struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &login) != nil || login.AccessToken == "" || login.TokenType != "bearer" {
		t.Fatalf("jwt login: %d %s", status, body)
	}
	token := login.AccessToken

	ct, f = form(t, "username", email, "password", "guinevere")
	status, header, body := c.request(t, "POST", base+"/auth/cookie/login", map[string]string{"Content-Type": ct}, f)
	cookie := header.Get("Set-Cookie")
	if status != http.StatusNoContent || len(body) != 0 || !strings.HasPrefix(cookie, "fastapiusersauth=ey") ||
		!strings.HasSuffix(cookie, "; HttpOnly; Max-Age=3600; Path=/; SameSite=Lax; Secure") {
		t.Fatalf("cookie login: %d %q, Set-Cookie %q", status, body, cookie)
	}

	status, _, body = c.request(t, "GET", base+"/users/me", bearer(token), nil)
	if status != http.StatusOK {
		t.Fatalf("GET /users/me: %d %s", status, body)
	}
	expectUser(t, "GET /users/me", body, email, false)

	// The scaffolded server's example route behind RequireUser.
	if status, _, body = c.request(t, "GET", base+"/hello", bearer(token), nil); status != http.StatusOK || !bytes.Contains(body, []byte(`"Hello, king.arthur@camelot.bt"`)) {
		t.Errorf("GET /hello: %d %s", status, body)
	}
	if status, _, body = c.request(t, "GET", base+"/hello", nil, nil); status != http.StatusUnauthorized {
		t.Errorf("GET /hello without a token: %d %s", status, body)
	}

	status, _, body = c.request(t, "PATCH", base+"/users/me", bearer(token), strings.NewReader(`{"password": "lancelot"}`))
	if status != http.StatusOK {
		t.Fatalf("PATCH /users/me: %d %s", status, body)
	}
	expectUser(t, "PATCH /users/me", body, email, false)
	ct, f = form(t, "username", email, "password", "guinevere")
	if status, _, body = c.request(t, "POST", base+"/auth/jwt/login", map[string]string{"Content-Type": ct}, f); status != http.StatusBadRequest || !bytes.Contains(body, []byte("LOGIN_BAD_CREDENTIALS")) {
		t.Errorf("login with the old password: %d %s", status, body)
	}

	// Until promoted, the superuser routes are forbidden.
	if status, _, body = c.request(t, "GET", base+"/users/"+id, bearer(token), nil); status != http.StatusForbidden {
		t.Errorf("GET /users/{id} before promotion: %d %s", status, body)
	}
	promote(email)

	status, _, body = c.request(t, "POST", base+"/auth/register", jsonHeader, strings.NewReader(`{"email": "percival@camelot.bt","password": "holy grail"}`))
	if status != http.StatusCreated {
		t.Fatalf("register a second user: %d %s", status, body)
	}
	other := expectUser(t, "register percival", body, "percival@camelot.bt", false)

	status, header, body = c.request(t, "GET", base+"/users/", bearer(token), nil)
	var listed []map[string]any
	if status != http.StatusOK || json.Unmarshal(body, &listed) != nil || len(listed) != 2 || header.Get("X-Total-Count") != "2" {
		t.Fatalf("GET /users/: %d %s, X-Total-Count %q; want both users", status, body, header.Get("X-Total-Count"))
	}

	status, _, body = c.request(t, "GET", base+"/users/"+other, bearer(token), nil)
	if status != http.StatusOK {
		t.Fatalf("GET /users/{id}: %d %s", status, body)
	}
	expectUser(t, "GET /users/{id}", body, "percival@camelot.bt", false)

	status, _, body = c.request(t, "PATCH", base+"/users/"+other, bearer(token), strings.NewReader(`{"is_superuser": true}`))
	if status != http.StatusOK {
		t.Fatalf("PATCH /users/{id}: %d %s", status, body)
	}
	expectUser(t, "PATCH /users/{id}", body, "percival@camelot.bt", true)

	status, _, body = c.request(t, "DELETE", base+"/users/"+other, bearer(token), nil)
	if status != http.StatusNoContent || len(body) != 0 {
		t.Fatalf("DELETE /users/{id}: %d %s", status, body)
	}
	if status, _, _ = c.request(t, "GET", base+"/users/"+other, bearer(token), nil); status != http.StatusNotFound {
		t.Errorf("GET of the deleted user: %d, want 404", status)
	}

	// Reset and verification tokens reach the user through hooks; over
	// HTTP, the answers must reveal nothing and refuse bad tokens.
	for _, path := range []string{"/auth/forgot-password", "/auth/request-verify-token"} {
		for _, who := range []string{email, "nobody@camelot.bt"} {
			if status, _, body = c.request(t, "POST", base+path, jsonHeader, strings.NewReader(`{"email": "`+who+`"}`)); status != http.StatusAccepted || string(body) != "null\n" {
				t.Errorf("POST %s for %s: %d %q, want 202 null", path, who, status, body)
			}
		}
	}
	if status, _, body = c.request(t, "POST", base+"/auth/reset-password", jsonHeader, strings.NewReader(`{"token": "x", "password": "merlin the wise"}`)); status != http.StatusBadRequest || !bytes.Contains(body, []byte("RESET_PASSWORD_BAD_TOKEN")) {
		t.Errorf("reset-password with a bad token: %d %s", status, body)
	}
	if status, _, body = c.request(t, "POST", base+"/auth/verify", jsonHeader, strings.NewReader(`{"token": "x"}`)); status != http.StatusBadRequest || !bytes.Contains(body, []byte("VERIFY_USER_BAD_TOKEN")) {
		t.Errorf("verify with a bad token: %d %s", status, body)
	}

	status, header, body = c.request(t, "POST", base+"/auth/cookie/logout",
		map[string]string{"Content-Type": "application/json", "Cookie": "fastapiusersauth=" + token}, nil)
	if status != http.StatusNoContent || header.Get("Set-Cookie") != `fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=Lax; Secure` {
		t.Errorf("cookie logout: %d %q, Set-Cookie %q", status, body, header.Get("Set-Cookie"))
	}
}

// checkDrift checks `authgen generate --check` on the generated module:
// 0 when up to date, 1 after a hand edit, 2 on a broken authgen.yaml, and
// that --dry-run changes nothing.
func checkDrift(t *testing.T, app, authgen string) {
	if code, out := exitCode(t, app, authgen, "generate", "--check"); code != 0 {
		t.Fatalf("generate --check right after init: exit %d\n%s", code, out)
	}
	before := treeHash(t, app)
	if code, out := exitCode(t, app, authgen, "generate", "--dry-run"); code != 0 || !strings.Contains(out, "identical") {
		t.Errorf("generate --dry-run: exit %d\n%s", code, out)
	}
	if treeHash(t, app) != before {
		t.Error("generate --dry-run changed the tree")
	}

	gen := filepath.Join(app, "internal", "auth", "users_gen.go")
	orig, err := os.ReadFile(gen)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gen, append(orig, "\n// a hand edit\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := exitCode(t, app, authgen, "generate", "--check"); code != 1 || !strings.Contains(out, "internal/auth/users_gen.go") {
		t.Errorf("generate --check after a hand edit: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(gen, orig, 0o644); err != nil {
		t.Fatal(err)
	}

	sp := filepath.Join(app, "authgen.yaml")
	if err := os.WriteFile(sp, []byte("version: 1\nbackends: {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := exitCode(t, app, authgen, "generate", "--check"); code != 2 || !strings.Contains(out, "authgen.yaml") {
		t.Errorf("generate --check on a malformed authgen.yaml: exit %d\n%s", code, out)
	}
}

// treeHash hashes every file under dir, names and contents.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(h, "%s %d\n", p, len(data))
		h.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// smtpSink is a real SMTP server on a loopback port that keeps the mail
// it receives, for the generated server to send to.
type smtpSink struct {
	addr string
	mu   sync.Mutex
	mail []sentMail
}

type sentMail struct{ to, data string }

func startSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	sink := &smtpSink{}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return sink
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }

type sinkSession struct {
	sink *smtpSink
	to   string
}

func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }
func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = to
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	ss.sink.mu.Lock()
	ss.sink.mail = append(ss.sink.mail, sentMail{to: ss.to, data: string(data)})
	ss.sink.mu.Unlock()
	return err
}

var mailedLink = regexp.MustCompile(`https://app\.camelot\.bt(/[a-z-]+)\?token=(\S+)`)

// token waits for a mail to the address to with a link to path, and
// returns the link's token. Each mail serves once.
func (s *smtpSink) token(t *testing.T, to, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		for i, m := range s.mail {
			if link := mailedLink.FindStringSubmatch(m.data); m.to == to && link != nil && link[1] == path {
				s.mail = append(s.mail[:i], s.mail[i+1:]...)
				s.mu.Unlock()
				token, err := url.QueryUnescape(link[2])
				if err != nil {
					t.Fatal(err)
				}
				return token
			}
		}
		s.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s with a link to %s arrived within 10s", to, path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// walkMailFlow resets a password and verifies an email from the links the
// server mails through SMTP.
func walkMailFlow(t *testing.T, c *api, base string, mail *smtpSink) {
	jsonHeader := map[string]string{"Content-Type": "application/json"}
	post := func(path, body string) (int, []byte) {
		status, _, got := c.request(t, "POST", base+path, jsonHeader, strings.NewReader(body))
		return status, got
	}
	const email = "gawain@camelot.bt"
	if status, body := post("/auth/register", `{"email": "gawain@camelot.bt", "password": "green chapel"}`); status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}

	if status, body := post("/auth/forgot-password", `{"email": "gawain@camelot.bt"}`); status != http.StatusAccepted {
		t.Fatalf("forgot-password: %d %s", status, body)
	}
	reset := `{"token": "` + mail.token(t, email, "/reset-password") + `", "password": "green knight"}`
	if status, body := post("/auth/reset-password", reset); status != http.StatusOK || string(body) != "null\n" {
		t.Fatalf("reset-password: %d %s", status, body)
	}
	ct, f := form(t, "username", email, "password", "green knight")
	if status, _, body := c.request(t, "POST", base+"/auth/jwt/login", map[string]string{"Content-Type": ct}, f); status != http.StatusOK {
		t.Errorf("login with the new password: %d %s", status, body)
	}
	if status, body := post("/auth/reset-password", reset); status != http.StatusBadRequest || !bytes.Contains(body, []byte("RESET_PASSWORD_BAD_TOKEN")) {
		t.Errorf("the same reset token again: %d %s", status, body)
	}

	if status, body := post("/auth/request-verify-token", `{"email": "gawain@camelot.bt"}`); status != http.StatusAccepted {
		t.Fatalf("request-verify-token: %d %s", status, body)
	}
	verify := `{"token": "` + mail.token(t, email, "/verify") + `"}`
	if status, body := post("/auth/verify", verify); status != http.StatusOK || !bytes.Contains(body, []byte(`"is_verified":true`)) {
		t.Fatalf("verify: %d %s", status, body)
	}
	if status, body := post("/auth/verify", verify); status != http.StatusBadRequest || !bytes.Contains(body, []byte("VERIFY_USER_ALREADY_VERIFIED")) {
		t.Errorf("verify again: %d %s", status, body)
	}
}

// oauthWalker is a client of the service's OAuth routes that plays the
// browser too: it takes the authorization URL to the fake provider,
// reads the code and state from the redirect back, and brings them to the
// callback with the CSRF cookie, following no redirect itself. It
// connects from 127.0.0.3, so that the walk's failures count against no
// limit of the other walks' address.
type oauthWalker struct {
	t        *testing.T
	api      *api
	base     string
	provider *oidcprovider.Provider
	client   *http.Client
}

// oauthAttempt is one round at the provider: the callback query it sent
// back and the CSRF cookie of the authorize request that began it.
type oauthAttempt struct {
	query url.Values
	csrf  string
}

var apiErrorCode = regexp.MustCompile(`^[A-Z][A-Z_]+$`)

func (w *oauthWalker) do(method, u string, header map[string]string) (int, http.Header, []byte) {
	w.t.Helper()
	return w.send(method, u, header, nil)
}

func (w *oauthWalker) send(method, u string, header map[string]string, body io.Reader) (int, http.Header, []byte) {
	w.t.Helper()
	return w.api.send(w.t, w.client, method, u, header, body)
}

// authorize asks prefix/authorize for an authorization URL and checks it
// against FastAPI Users' answer and the hardening beyond it: the provider's
// endpoint with the client, redirectURI, state and scopes, a PKCE S256
// challenge and a nonce, and the CSRF cookie. query is added to the
// request, such as scopes.
func (w *oauthWalker) authorize(prefix string, header map[string]string, query url.Values, redirectURI string) (*url.URL, string) {
	w.t.Helper()
	u := w.base + prefix + "/authorize"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	status, h, body := w.do("GET", u, header)
	var answer map[string]any
	if status != http.StatusOK || json.Unmarshal(body, &answer) != nil || len(answer) != 1 {
		w.t.Fatalf("GET %s/authorize: %d %s, want 200 with only authorization_url", prefix, status, body)
	}
	authURL, err := url.Parse(fmt.Sprint(answer["authorization_url"]))
	if err != nil {
		w.t.Fatalf("GET %s/authorize: authorization_url: %v", prefix, err)
	}
	var csrf *http.Cookie
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "fastapiusersoauthcsrf" {
			csrf = c
		}
	}
	if csrf == nil || csrf.Value == "" || !csrf.HttpOnly || csrf.MaxAge <= 0 {
		w.t.Fatalf("GET %s/authorize: Set-Cookie %q, want an HttpOnly fastapiusersoauthcsrf with a Max-Age", prefix, h.Values("Set-Cookie"))
	}
	q := authURL.Query()
	if endpoint := authURL.Scheme + "://" + authURL.Host + authURL.Path; endpoint != w.provider.URL()+"/authorize" {
		w.t.Errorf("GET %s/authorize: authorization_url at %s, want the provider's %s/authorize", prefix, endpoint, w.provider.URL())
	}
	for k, want := range map[string]string{"response_type": "code", "client_id": e2eOAuthClientID, "redirect_uri": redirectURI, "code_challenge_method": "S256"} {
		if got := q.Get(k); got != want {
			w.t.Errorf("GET %s/authorize: authorization_url has %s=%q, want %q", prefix, k, got, want)
		}
	}
	for _, k := range []string{"state", "code_challenge", "nonce"} {
		if q.Get(k) == "" {
			w.t.Errorf("GET %s/authorize: authorization_url %s lacks %s", prefix, authURL, k)
		}
	}
	if scopes := oidcprovider.Scopes(q.Get("scope")); !slices.Contains(scopes, "openid") || !slices.Contains(scopes, "email") {
		w.t.Errorf("GET %s/authorize: authorization_url asks for the scopes %q, want openid and email among them", prefix, scopes)
	}
	return authURL, csrf.Value
}

// approve takes the authorization URL to the provider, which logs in its
// current user at once, and returns the query of its redirect back.
func (w *oauthWalker) approve(authURL *url.URL) url.Values {
	w.t.Helper()
	status, h, body := w.do("GET", authURL.String(), nil)
	loc, err := url.Parse(h.Get("Location"))
	if status != http.StatusFound || err != nil {
		w.t.Fatalf("the provider's authorize: %d %s, Location %q", status, body, h.Get("Location"))
	}
	back := loc.Query()
	if back.Get("error") != "" || back.Get("code") == "" || back.Get("state") != authURL.Query().Get("state") {
		w.t.Fatalf("the provider sent the browser back to %s, want a code and the state", loc)
	}
	if to := loc.Scheme + "://" + loc.Host + loc.Path; to != authURL.Query().Get("redirect_uri") {
		w.t.Errorf("the provider sent the browser back to %s, want the redirect_uri", to)
	}
	return back
}

// start logs the provider in as (sub, email) and runs authorize and
// approve: what the browser does up to the callback.
func (w *oauthWalker) start(prefix, sub, email string, header map[string]string, redirectURI string) oauthAttempt {
	w.t.Helper()
	w.provider.Login(sub, email, true)
	authURL, csrf := w.authorize(prefix, header, nil, redirectURI)
	return oauthAttempt{query: w.approve(authURL), csrf: csrf}
}

// callback brings an attempt to prefix/callback with its CSRF cookie and
// header.
func (w *oauthWalker) callback(prefix string, a oauthAttempt, header map[string]string) (int, http.Header, []byte) {
	w.t.Helper()
	h := map[string]string{}
	for k, v := range header {
		h[k] = v
	}
	if a.csrf != "" {
		h["Cookie"] = "fastapiusersoauthcsrf=" + a.csrf
	}
	return w.do("GET", w.base+prefix+"/callback?"+a.query.Encode(), h)
}

// loginBearer logs (sub, email) in through the bearer login router at
// prefix and returns the access token.
func (w *oauthWalker) loginBearer(prefix, sub, email string) string {
	w.t.Helper()
	status, _, body := w.callback(prefix, w.start(prefix, sub, email, nil, "https://app.camelot.bt"+prefix+"/callback"), nil)
	var login struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &login) != nil || login.AccessToken == "" || login.TokenType != "bearer" {
		w.t.Fatalf("GET %s/callback as %s: %d %s, want 200 with a bearer token", prefix, email, status, body)
	}
	return login.AccessToken
}

// me returns the user a header authenticates, failing unless it is email.
func (w *oauthWalker) me(step string, header map[string]string, email string) string {
	w.t.Helper()
	status, _, body := w.do("GET", w.base+"/users/me", header)
	if status != http.StatusOK {
		w.t.Fatalf("%s: GET /users/me: %d %s", step, status, body)
	}
	return expectUser(w.t, step, body, email, false)
}

// wantError checks a 4xx answer: the status, and a detail that is code,
// or when code is "" any code, or FastAPI Users' "Bad Request" (its
// answer to a callback without a code); never a 500.
func (w *oauthWalker) wantError(step string, status int, body []byte, wantStatus int, code string) {
	w.t.Helper()
	var answer struct {
		Detail any `json:"detail"`
	}
	err := json.Unmarshal(body, &answer)
	detail, _ := answer.Detail.(string)
	switch {
	case status != wantStatus || err != nil:
		w.t.Errorf("%s: %d %s, want %d", step, status, body, wantStatus)
	case code != "" && detail != code:
		w.t.Errorf("%s: %d %s, want detail %s", step, status, body, code)
	case code == "" && !apiErrorCode.MatchString(detail) && detail != "Bad Request":
		w.t.Errorf("%s: %d %s, want an error code as detail", step, status, body)
	}
}

// walkOAuth logs in with the OpenID Connect provider corp, as a single-page
// app does, through each kind of router: a bearer and a cookie login
// router, and the association router. Beyond FastAPI Users' answers, it
// checks what the hardened routes promise: PKCE and a nonce in every
// authorization URL, a callback that works once, a bad state answered 400
// with a code (FastAPI Users answers some with 500), one user per provider
// account, and a provider account that logs in to the user it was linked
// to.
func walkOAuth(t *testing.T, c *api, base string, provider *oidcprovider.Provider) {
	w := &oauthWalker{t: t, api: c, base: base, provider: provider, client: &http.Client{
		Transport:     &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 3)}}).DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	bearer := func(token string) map[string]string { return map[string]string{"Authorization": "Bearer " + token} }
	const (
		elaine   = "elaine@astolat.bt"
		lancelot = "lancelot.du.lac@camelot.bt"
		loginCB  = "https://app.camelot.bt/auth/corp/callback"
	)

	// A first login makes the user; the same provider account logs in
	// to the same user again.
	first := w.start("/auth/corp", "corp-1001", elaine, nil, loginCB)
	status, _, body := w.callback("/auth/corp", first, nil)
	var login struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &login) != nil || login.AccessToken == "" || login.TokenType != "bearer" {
		t.Fatalf("GET /auth/corp/callback: %d %s, want 200 with a bearer token", status, body)
	}
	status, _, body = w.do("GET", base+"/users/me", bearer(login.AccessToken))
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"is_verified":false`)) {
		t.Errorf("GET /users/me after the first OAuth login: %d %s, want the new user, not verified (is_verified_by_default is off)", status, body)
	}
	elaineID := expectUser(t, "GET /users/me after the first OAuth login", body, elaine, false)
	if id := w.me("the second OAuth login", bearer(w.loginBearer("/auth/corp", "corp-1001", elaine)), elaine); id != elaineID {
		t.Errorf("the same provider account logged in to user %s, then %s", elaineID, id)
	}

	// The callback works once: the same code, state and cookie again.
	status, _, body = w.callback("/auth/corp", first, nil)
	w.wantError("the first callback replayed", status, body, http.StatusBadRequest, "")

	// The scopes query replaces the default scopes, as in FastAPI Users.
	authURL, _ := w.authorize("/auth/corp", nil, url.Values{"scopes": {"openid", "email", "profile"}}, loginCB)
	if got := authURL.Query().Get("scope"); got != "openid email profile" {
		t.Errorf("GET /auth/corp/authorize?scopes=...: scope %q, want \"openid email profile\"", got)
	}

	// The cookie router answers 204 and sets the auth cookie, which
	// authenticates the same user.
	status, h, body := w.callback("/auth/corp-cookie", w.start("/auth/corp-cookie", "corp-1001", elaine, nil, "https://app.camelot.bt/auth/corp-cookie/callback"), nil)
	cookie := h.Get("Set-Cookie")
	if status != http.StatusNoContent || len(body) != 0 || !strings.HasPrefix(cookie, "fastapiusersauth=") || !strings.Contains(cookie, "HttpOnly") {
		t.Fatalf("GET /auth/corp-cookie/callback: %d %q, Set-Cookie %q; want 204 and the auth cookie", status, body, cookie)
	}
	authCookie, _, _ := strings.Cut(cookie, ";")
	if id := w.me("the cookie router's login", map[string]string{"Cookie": authCookie}, elaine); id != elaineID {
		t.Errorf("the cookie router logged in user %s, want %s", id, elaineID)
	}

	// A provider account whose email a password user has is refused: no
	// association by email unless authgen.yaml says so.
	status, _, body = w.send("POST", base+"/auth/register", map[string]string{"Content-Type": "application/json"},
		strings.NewReader(`{"email": "`+lancelot+`", "password": "joyous gard"}`))
	if status != http.StatusCreated {
		t.Fatalf("register %s: %d %s", lancelot, status, body)
	}
	lancelotID := expectUser(t, "register "+lancelot, body, lancelot, false)
	status, _, body = w.callback("/auth/corp", w.start("/auth/corp", "corp-2002", lancelot, nil, loginCB), nil)
	w.wantError("an OAuth login with a password user's email", status, body, http.StatusBadRequest, "OAUTH_USER_ALREADY_EXISTS")

	// The password user links the provider account; it then logs in to
	// that user.
	ct, f := form(t, "username", lancelot, "password", "joyous gard")
	status, _, body = w.send("POST", base+"/auth/jwt/login", map[string]string{"Content-Type": ct}, f)
	if status != http.StatusOK || json.Unmarshal(body, &login) != nil {
		t.Fatalf("password login of %s: %d %s", lancelot, status, body)
	}
	lancelotAuth := bearer(login.AccessToken)
	status, _, body = w.do("GET", base+"/auth/associate/corp/authorize", nil)
	w.wantError("GET /auth/associate/corp/authorize without a user", status, body, http.StatusUnauthorized, "Unauthorized")
	link := w.start("/auth/associate/corp", "corp-2002", lancelot, lancelotAuth, e2eOAuthAssociateReturn)
	status, _, body = w.callback("/auth/associate/corp", link, nil)
	w.wantError("GET /auth/associate/corp/callback without a user", status, body, http.StatusUnauthorized, "Unauthorized")
	status, _, body = w.callback("/auth/associate/corp", w.start("/auth/associate/corp", "corp-2002", lancelot, lancelotAuth, e2eOAuthAssociateReturn), lancelotAuth)
	if status != http.StatusOK {
		t.Fatalf("GET /auth/associate/corp/callback: %d %s, want 200 and the user", status, body)
	}
	if id := expectUser(t, "GET /auth/associate/corp/callback", body, lancelot, false); id != lancelotID {
		t.Errorf("the association answered user %s, want %s", id, lancelotID)
	}
	if id := w.me("an OAuth login after the association", bearer(w.loginBearer("/auth/corp", "corp-2002", lancelot)), lancelot); id != lancelotID {
		t.Errorf("the linked provider account logged in to user %s, want %s", id, lancelotID)
	}
	// One user per provider account: Elaine's cannot be linked to him.
	status, _, body = w.callback("/auth/associate/corp", w.start("/auth/associate/corp", "corp-1001", elaine, lancelotAuth, e2eOAuthAssociateReturn), lancelotAuth)
	w.wantError("linking a provider account of another user", status, body, http.StatusBadRequest, "")
	if id := w.me("an OAuth login after a refused link", bearer(w.loginBearer("/auth/corp", "corp-1001", elaine)), elaine); id != elaineID {
		t.Errorf("after a refused link, Elaine's provider account logged in to user %s, want %s", id, elaineID)
	}

	// A token from a login router on a revocable backend ends at logout.
	dbAuth := bearer(w.loginBearer("/auth/corp-db", "corp-1001", elaine))
	w.me("the database backend's OAuth login", dbAuth, elaine)
	if status, _, body := w.do("POST", base+"/auth/db/logout", dbAuth); status != http.StatusNoContent {
		t.Errorf("POST /auth/db/logout: %d %s", status, body)
	}
	if status, _, body := w.do("GET", base+"/users/me", dbAuth); status != http.StatusUnauthorized {
		t.Errorf("GET /users/me after logout: %d %s, want 401", status, body)
	}

	// Bad states and provider errors: 400 with a code, never a 500.
	a := w.start("/auth/corp", "corp-1001", elaine, nil, loginCB)
	_, otherCSRF := w.authorize("/auth/corp", nil, nil, loginCB)
	for _, bad := range []struct {
		step   string
		change func(a oauthAttempt) oauthAttempt
		code   string
	}{
		{"the CSRF cookie of another authorize", func(a oauthAttempt) oauthAttempt { a.csrf = otherCSRF; return a }, "OAUTH_INVALID_STATE"},
		{"a state that is no token", func(a oauthAttempt) oauthAttempt { a.query.Set("state", "not-a-state"); return a }, ""},
		{"no state", func(a oauthAttempt) oauthAttempt { a.query.Del("state"); return a }, ""},
		{"no code", func(a oauthAttempt) oauthAttempt { a.query.Del("code"); return a }, ""},
		{"no CSRF cookie", func(a oauthAttempt) oauthAttempt { a.csrf = ""; return a }, ""},
		{"the provider's error", func(a oauthAttempt) oauthAttempt {
			a.query = url.Values{"error": {"access_denied"}, "state": {a.query.Get("state")}}
			return a
		}, ""},
	} {
		changed := bad.change(oauthAttempt{query: cloneQuery(a.query), csrf: a.csrf})
		status, _, body := w.callback("/auth/corp", changed, nil)
		if bad.step == "the provider's error" {
			// FastAPI Users echoes the provider's error as the detail.
			if status != http.StatusBadRequest || !bytes.Contains(body, []byte(`"detail":`)) {
				t.Errorf("GET /auth/corp/callback with %s: %d %s, want 400", bad.step, status, body)
			}
			continue
		}
		w.wantError("GET /auth/corp/callback with "+bad.step, status, body, http.StatusBadRequest, bad.code)
	}
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
