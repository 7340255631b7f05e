package e2e

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	"testing"
	"time"

	// The drivers the test reads and writes the FastAPI Users databases
	// and the service's own with; testservers brings pgx and MySQL's.
	_ "modernc.org/sqlite"

	"github.com/authgen/authgen/internal/testservers/oidcprovider"
)

// fuFixture is the directory of the FastAPI Users 15 fixture: the
// manifest of a real FastAPI Users database (every row, with the
// plaintext passwords and tokens) and FastAPI Users' DDL per dialect,
// from which newFUSource makes the database again. Its README.md tells
// how the database was made.
const fuFixture = "testdata/fastapi-users"

// fuManifest is the fixture's manifest.json, the parts the test uses.
type fuManifest struct {
	FixtureCreatedAt time.Time `json:"fixture_created_at"`
	JWT              struct {
		Secret string `json:"secret"`
	} `json:"jwt"`
	OAuthName     string           `json:"oauth_name"`
	Users         []fuUser         `json:"users"`
	AccessTokens  []fuAccessToken  `json:"access_tokens"`
	OAuthAccounts []fuOAuthAccount `json:"oauth_accounts"`
	JWTs          []fuJWT          `json:"jwts"`
}

type fuUser struct {
	Key            string  `json:"key"`
	ID             string  `json:"id"`
	Email          string  `json:"email"`
	Password       string  `json:"password"`
	HashedPassword string  `json:"hashed_password"`
	HashScheme     string  `json:"hash_scheme"`
	IsActive       bool    `json:"is_active"`
	IsSuperuser    bool    `json:"is_superuser"`
	IsVerified     bool    `json:"is_verified"`
	FirstName      *string `json:"first_name"`
	Age            *int    `json:"age"`
	Plan           string  `json:"plan"`
	Tricky         *fuKind `json:"tricky"`
	RehashOnLogin  bool    `json:"fu_rehash_on_login"`
}

type fuKind struct {
	Kind string `json:"kind"`
}

type fuAccessToken struct {
	Token           string    `json:"token"`
	UserID          string    `json:"user_id"`
	UserKey         string    `json:"user_key"`
	CreatedAt       time.Time `json:"created_at"`
	CreatedAtStored string    `json:"created_at_stored"`
	Tricky          *fuKind   `json:"tricky"`
}

type fuOAuthAccount struct {
	ID           string  `json:"id"`
	UserID       string  `json:"user_id"`
	UserKey      string  `json:"user_key"`
	OAuthName    string  `json:"oauth_name"`
	AccountID    string  `json:"account_id"`
	AccountEmail string  `json:"account_email"`
	AccessToken  string  `json:"access_token"`
	ExpiresAt    *int64  `json:"expires_at"`
	RefreshToken *string `json:"refresh_token"`
}

type fuJWT struct {
	Token   string `json:"token"`
	UserID  string `json:"user_id"`
	UserKey string `json:"user_key"`
}

func loadFUManifest(t *testing.T) *fuManifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fuFixture, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m fuManifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if len(m.Users) != 41 || len(m.AccessTokens) != 20 || len(m.OAuthAccounts) != 5 || len(m.JWTs) != 5 || m.JWT.Secret == "" || m.FixtureCreatedAt.IsZero() {
		t.Fatalf("manifest.json: %d users, %d tokens, %d accounts, %d JWTs; want the fixture's 41, 20, 5 and 5", len(m.Users), len(m.AccessTokens), len(m.OAuthAccounts), len(m.JWTs))
	}
	return &m
}

// fuExpect is what the import of the fixture must do, derived from the
// manifest: the case-duplicate pair is not imported (neither of the two),
// nor what follows its users; the 2-day-old token is expired; everything
// else, the pbkdf2 user among it, is imported.
type fuExpect struct {
	users, skippedUsers   []fuUser
	tokens, skippedTokens []fuAccessToken
	expired               fuAccessToken
	accounts              []fuOAuthAccount
	imported              map[string]bool // user ids
	problems              map[string]bool // "table id" of each problem line
}

func expectFromManifest(t *testing.T, m *fuManifest) fuExpect {
	t.Helper()
	e := fuExpect{imported: map[string]bool{}, problems: map[string]bool{}}
	for _, u := range m.Users {
		if u.Tricky != nil && u.Tricky.Kind == "email_case_duplicate" {
			e.skippedUsers = append(e.skippedUsers, u)
			e.problems["user "+u.ID] = true
			continue
		}
		e.users = append(e.users, u)
		e.imported[u.ID] = true
	}
	for _, tok := range m.AccessTokens {
		switch {
		case tok.Tricky != nil && tok.Tricky.Kind == "expired_access_token":
			e.expired = tok
			e.skippedTokens = append(e.skippedTokens, tok)
		case !e.imported[tok.UserID]:
			e.skippedTokens = append(e.skippedTokens, tok)
		default:
			e.tokens = append(e.tokens, tok)
			continue
		}
		e.problems["accesstoken "+shortToken(tok.Token)] = true
	}
	for _, a := range m.OAuthAccounts {
		if !e.imported[a.UserID] {
			t.Fatalf("OAuth account %s belongs to a user the import leaves out: the fixture changed", a.ID)
		}
		e.accounts = append(e.accounts, a)
	}
	if len(e.users) != 39 || len(e.tokens) != 18 || e.expired.Token == "" || len(e.accounts) != 5 {
		t.Fatalf("expected %d users, %d tokens, %d accounts, expired %q; want 39, 18, 5 and one", len(e.users), len(e.tokens), len(e.accounts), e.expired.Token)
	}
	return e
}

// shortToken is how the import names an access token: its first 6
// characters and an ellipsis, as tokens are never printed whole.
func shortToken(token string) string { return token[:6] + "…" }

// serviceEmail is the email as the service keeps it: the domain
// lower-cased, the local part as given.
func serviceEmail(email string) string {
	at := strings.LastIndex(email, "@")
	return email[:at+1] + strings.ToLower(email[at+1:])
}

// TestImportFastAPIUsers moves a real FastAPI Users 15 database (the
// fixture of testdata/fastapi-users) into a generated service with
// `authserver import-fastapi-users`, on each database: it checks the dry
// run, the refusal of the rows that cannot be moved faithfully, the
// partial import's counts, then, over HTTP, that every imported user logs
// in with their FastAPI Users password (and keeps logging in once the
// service has upgraded their hash), that their access tokens, JWTs and
// OAuth accounts keep working, that a second import changes nothing and
// --update takes the source's values, that an import cut off its
// database partway keeps whole batches and carries on (PostgreSQL and
// MySQL), that bad sources are refused with the target left as it was,
// that FastAPI Users' tables may sit in the service's own database, and
// that the case-duplicate pair, once one is renamed in the source as the
// report asks, comes over with its tokens.
func TestImportFastAPIUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs a generated service; run without -short")
	}
	m := loadFUManifest(t)
	authgen := filepath.Join(t.TempDir(), "authgen")
	runIn(t, "..", "go", "build", "-o", authgen, ".")
	for _, db := range e2eDatabases {
		t.Run(db.name, func(t *testing.T) {
			start := time.Now()
			defer func() { t.Logf("%s: %v", db.name, time.Since(start).Round(time.Second)) }()
			work := t.TempDir()
			targetURL := db.open(t, work)
			server := generateFUService(t, authgen, work, db.name)
			source := newFUSource(t, db.name, work, m)
			clientSecret := rand.Text()
			provider := oidcprovider.Start(t, map[string]string{e2eOAuthClientID: clientSecret})
			x := &fuImport{
				t: t, m: m, want: expectFromManifest(t, m), dialect: db.name, server: server, work: work,
				source: source, sourceDB: openDatabaseURL(t, source),
				env: []string{
					"DATABASE_URL=" + targetURL,
					// FastAPI Users' JWT secret: its JWTs keep working.
					"AUTH_SECRET=" + m.JWT.Secret,
					"APP_URL=https://app.camelot.bt",
					"OAUTH_OIDC_CLIENT_ID=" + e2eOAuthClientID,
					"OAUTH_OIDC_CLIENT_SECRET=" + clientSecret,
					"OAUTH_OIDC_ISSUER=" + provider.URL(),
				},
				provider: provider,
			}
			// The README's steps: migrate, dry run, import. A dry run
			// writes nothing, not even the schema, so it needs the
			// migrated database.
			if stdout, stderr, code := runServer(t, server, x.env, "migrate"); code != 0 {
				t.Fatalf("authserver migrate: exit %d\n%s%s", code, stdout, stderr)
			}
			x.checkDryRun()
			x.checkRefused()
			x.checkPartialImport()
			base := startServer(t, server, x.env...)
			x.c = &api{doc: fetchAPIDoc(t, base)}
			x.base = base
			x.checkLogins()
			x.checkAdminList()
			x.checkTokens()
			x.checkOAuthLogins()
			x.checkReimport()
			x.checkUpdate()
			if db.name != "sqlite" {
				x.checkCutOff()
			}
			x.checkBadSources()
			x.checkSameDatabase()
			x.checkRenamedDuplicate()
		})
	}
}

// generateFUService generates, into work/app, a service shaped as the
// fixture's FastAPI Users app: a JWT and a database-token backend, its
// three custom columns as fields, its OAuth provider oidc, and tokens
// that live 3600 s; and builds its server to work/authserver.
func generateFUService(t *testing.T, authgen, work, db string) string {
	t.Helper()
	app := filepath.Join(work, "app")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	runIn(t, app, "go", "mod", "init", "example.com/fuapp")
	runIn(t, app, authgen, "init", "--yes", "-q", "--db", db,
		"--backend", "bearer-jwt", "--backend", "bearer-database",
		"--field", "first_name:string:max_length=100",
		"--field", "age:int",
		"--field", "plan:enum[free,pro,team,enterprise]:required:default=free",
		"--oauth", "oidc:oidc")
	spec, err := os.ReadFile(filepath.Join(app, "authgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The lifetime decides which access tokens are expired already; the
	// time shift of newFUSource is reckoned with 3600 s.
	if !strings.Contains(string(spec), "  lifetime_seconds: 3600\n") {
		t.Fatalf("authgen.yaml: tokens.lifetime_seconds is not 3600:\n%s", spec)
	}
	server := filepath.Join(work, "authserver")
	runIn(t, app, "go", "build", "-o", server, "./cmd/authserver")
	return server
}

// fuShift is how far the fixture's access tokens are moved forward in a
// source: by the time since the fixture was made. Their created_at are 0
// to 18 minutes before fixture_created_at (one 2 days before), and the
// service's tokens live 3600 s, so without the shift every token would be
// expired by now; with it, the recent ones are alive and the 2-day-old
// one expired, as when the fixture was made.
func fuShift(m *fuManifest) time.Duration {
	return time.Since(m.FixtureCreatedAt).Truncate(time.Microsecond)
}

// fuSQLiteTime is how FastAPI Users stores a timestamp in SQLite: UTC
// text with always 6 fractional digits, which its lifetime check compares
// as a string.
const fuSQLiteTime = "2006-01-02 15:04:05.000000"

// newFUSource makes a FastAPI Users database holding the fixture, its
// tokens shifted by fuShift, and returns its URL: a new database (on
// SQLite a new file) with FastAPI Users' tables, made by its own DDL, and
// every row of the manifest. The fixture's README shows its SQLite file
// holds exactly that DDL, and the manifest every row of it, column by
// column.
func newFUSource(t *testing.T, dialect, work string, m *fuManifest) string {
	t.Helper()
	u := "sqlite:" + filepath.Join(work, "fastapi-users.sqlite3")
	if dialect != "sqlite" {
		u = e2eDatabases[slices.IndexFunc(e2eDatabases, func(d e2eDatabase) bool { return d.name == dialect })].open(t, work)
	}
	db := openDatabaseURL(t, u)
	createFUTables(t, db, dialect)
	insertFURows(t, db, dialect, m.Users, m.AccessTokens, m.OAuthAccounts, fuShift(m))
	db.Close()
	return u
}

// createFUTables creates FastAPI Users' tables in db with its DDL for
// dialect.
func createFUTables(t *testing.T, db *sql.DB, dialect string) {
	t.Helper()
	schema := map[string]string{"sqlite": "schema.sqlite.sql", "postgres": "schema.postgresql.sql", "mysql": "schema.mysql.sql"}[dialect]
	ddl, err := os.ReadFile(filepath.Join(fuFixture, schema))
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range sqlStatements(string(ddl)) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v\n%s", schema, err, stmt)
		}
	}
	if dialect == "mysql" {
		// MySQL's usual collations (MariaDB's utf8mb4_general_ci here)
		// compare without regard to case, so FastAPI Users' unique index
		// on email would refuse the fixture's case-duplicate pair, which
		// SQLite and PostgreSQL hold. The email column is made binary
		// instead of leaving Dup.Case@ out: the source then holds all 41
		// users on every database, the expectations are the same
		// everywhere, and the import must find the pair itself rather
		// than rely on the source's collation.
		if _, err := db.Exec("ALTER TABLE user MODIFY email VARCHAR(320) COLLATE utf8mb4_bin NOT NULL"); err != nil {
			t.Fatal(err)
		}
	}
}

// fuPlaceholders returns the parameter markers, on dialect, of the n
// arguments of a statement that follow its first from.
func fuPlaceholders(dialect string, from, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "?"
		if dialect == "postgres" {
			p[i] = "$" + strconv.Itoa(from+i+1)
		}
	}
	return strings.Join(p, ", ")
}

// FastAPI Users' user table and plan column, quoted as its DDL quotes
// them on each dialect (PLAN is an SQLite keyword, USER a PostgreSQL one).
var (
	fuUserTable  = map[string]string{"sqlite": `"user"`, "postgres": `"user"`, "mysql": "`user`"}
	fuPlanColumn = map[string]string{"sqlite": `"plan"`, "postgres": "plan", "mysql": "plan"}
)

// insertFURows writes users, access tokens (created_at moved by shift)
// and OAuth accounts into FastAPI Users' tables.
func insertFURows(t *testing.T, db *sql.DB, dialect string, users []fuUser, tokens []fuAccessToken, accounts []fuOAuthAccount, shift time.Duration) {
	t.Helper()
	userTable := fuUserTable[dialect]
	ph := func(n int) string { return fuPlaceholders(dialect, 0, n) }
	for _, u := range users {
		if _, err := db.Exec(`INSERT INTO `+userTable+` (id, email, hashed_password, is_active, is_superuser, is_verified, first_name, age, `+fuPlanColumn[dialect]+`) VALUES (`+ph(9)+`)`,
			u.ID, u.Email, u.HashedPassword, u.IsActive, u.IsSuperuser, u.IsVerified, u.FirstName, u.Age, u.Plan); err != nil {
			t.Fatalf("inserting user %s: %v", u.ID, err)
		}
	}
	for _, tok := range tokens {
		created := tok.CreatedAt.Add(shift).UTC()
		var value any = created
		if dialect == "sqlite" {
			value = created.Format(fuSQLiteTime)
		}
		if _, err := db.Exec(`INSERT INTO accesstoken (token, user_id, created_at) VALUES (`+ph(3)+`)`, tok.Token, tok.UserID, value); err != nil {
			t.Fatalf("inserting token %s: %v", shortToken(tok.Token), err)
		}
	}
	for _, a := range accounts {
		if _, err := db.Exec(`INSERT INTO oauth_account (id, user_id, oauth_name, access_token, expires_at, refresh_token, account_id, account_email) VALUES (`+ph(8)+`)`,
			a.ID, a.UserID, a.OAuthName, a.AccessToken, a.ExpiresAt, a.RefreshToken, a.AccountID, a.AccountEmail); err != nil {
			t.Fatalf("inserting OAuth account %s: %v", a.ID, err)
		}
	}
}

// sqlStatements splits a DDL file into its statements, without comments.
func sqlStatements(ddl string) []string {
	var lines []string
	for _, line := range strings.Split(ddl, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			lines = append(lines, line)
		}
	}
	var stmts []string
	for _, s := range strings.Split(strings.Join(lines, "\n"), ";") {
		if s = strings.TrimSpace(s); s != "" {
			stmts = append(stmts, s)
		}
	}
	return stmts
}

// openDatabaseURL opens a database named as the service names it
// (sqlite:PATH, postgres://..., mysql://...), closed when t ends (before
// testservers drops it).
func openDatabaseURL(t *testing.T, dbURL string) *sql.DB {
	t.Helper()
	var driver, dsn string
	switch {
	case strings.HasPrefix(dbURL, "sqlite:"):
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(dbURL, "sqlite:")+"?_pragma=busy_timeout(10000)"
	case strings.HasPrefix(dbURL, "postgres://"):
		driver, dsn = "pgx", dbURL
	case strings.HasPrefix(dbURL, "mysql://"):
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		password, _ := u.User.Password()
		driver, dsn = "mysql", fmt.Sprintf("%s:%s@tcp(%s)%s?parseTime=true&loc=UTC&time_zone=%%27%%2B00%%3A00%%27", u.User.Username(), password, u.Host, u.Path)
	default:
		t.Fatalf("no driver for %s", dbURL)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fuImport is one database's run of TestImportFastAPIUsers.
type fuImport struct {
	t        *testing.T
	m        *fuManifest
	want     fuExpect
	dialect  string
	server   string
	work     string
	env      []string
	source   string
	sourceDB *sql.DB
	target   *sql.DB
	provider *oidcprovider.Provider
	c        *api
	base     string
	// usersOnly: the service has no access token or OAuth tables.
	usersOnly bool
	// upgraded is the hash the service gave a legacy-hash user at login.
	upgraded map[string]string
}

// importReport is the import's output: its problem lines and counts.
type importReport struct {
	stdout, stderr string
	code           int
	problems       map[string]string // "table id" -> reason
	counts         map[string][4]int // "users" -> imported, updated, already there, not imported
	dryRun         bool
}

var (
	problemLine = regexp.MustCompile(`^(user|accesstoken|oauth_account) (\S+): (.+)$`)
	countLine   = regexp.MustCompile(`^(users|access tokens|oauth accounts): (\d+) (?:imported|to import), (\d+) (?:updated|to update), (\d+) already there, (\d+) not imported$`)
)

// run runs authserver import-fastapi-users with args and parses its
// output. The output must never hold a token of the fixture whole.
func (x *fuImport) run(args ...string) importReport {
	x.t.Helper()
	stdout, stderr, code := runServer(x.t, x.server, x.env, append([]string{"import-fastapi-users"}, args...)...)
	r := importReport{stdout: stdout, stderr: stderr, code: code, problems: map[string]string{}, counts: map[string][4]int{}}
	for _, line := range strings.Split(stdout, "\n") {
		line = strings.TrimSpace(line)
		if p := problemLine.FindStringSubmatch(line); p != nil {
			r.problems[p[1]+" "+p[2]] = p[3]
		} else if c := countLine.FindStringSubmatch(line); c != nil {
			var n [4]int
			for i := range n {
				n[i], _ = strconv.Atoi(c[i+2])
			}
			r.counts[c[1]] = n
		} else if strings.Contains(line, "nothing was written") {
			// "dry run: nothing was written", or, when rows stop a dry
			// run as they would the import, the line that says so.
			r.dryRun = true
		}
	}
	for _, tok := range x.m.AccessTokens {
		if strings.Contains(stdout+stderr, tok.Token) {
			x.t.Errorf("import %s printed the access token %s whole", strings.Join(args, " "), shortToken(tok.Token))
		}
	}
	for _, a := range x.m.OAuthAccounts {
		if strings.Contains(stdout+stderr, a.AccessToken) {
			x.t.Errorf("import %s printed the OAuth access token of %s", strings.Join(args, " "), a.ID)
		}
	}
	return r
}

func (r importReport) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%.3000s", r.code, r.stdout, r.stderr)
}

// wantProblems checks that the problem lines are exactly the fixture's
// (the case-duplicate pair, the expired token and the duplicate's token),
// with the reasons that say so.
func (x *fuImport) wantProblems(step string, r importReport) {
	x.t.Helper()
	var got []string
	for k := range r.problems {
		got = append(got, k)
	}
	var want []string
	for k := range x.want.problems {
		want = append(want, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		x.t.Errorf("%s: problem lines for %q, want %q\n%s", step, got, want, r)
	}
	if reason := r.problems["accesstoken "+shortToken(x.want.expired.Token)]; !strings.Contains(reason, "expired") {
		x.t.Errorf("%s: the 2-day-old token's line says %q, want it called expired", step, reason)
	}
}

// wantCounts checks the three count lines.
func (x *fuImport) wantCounts(step string, r importReport, users, tokens, accounts [4]int) {
	x.t.Helper()
	for table, want := range map[string][4]int{"users": users, "access tokens": tokens, "oauth accounts": accounts} {
		if got, ok := r.counts[table]; !ok || got != want {
			x.t.Errorf("%s: %s counts %v (found: %v), want %v (imported, updated, already there, not imported)\n%s", step, table, got, ok, want, r)
		}
	}
}

// targetDB opens the service's database once the import has migrated it.
func (x *fuImport) targetDB() *sql.DB {
	if x.target == nil {
		for _, e := range x.env {
			if u, ok := strings.CutPrefix(e, "DATABASE_URL="); ok {
				x.target = openDatabaseURL(x.t, u)
			}
		}
	}
	return x.target
}

// count returns the rows of a table of the service's database.
func (x *fuImport) count(table string) int {
	x.t.Helper()
	var n int
	if err := x.targetDB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		x.t.Fatalf("counting %s in the service's database: %v", table, err)
	}
	return n
}

// snapshot digests what the import writes in the service's database:
// the users (with their hashes), the access tokens and the OAuth
// accounts, for checks that a run changed nothing.
func (x *fuImport) snapshot() string {
	x.t.Helper()
	if x.usersOnly {
		return x.snapshotUsers()
	}
	h := sha256.New()
	for _, q := range []string{
		"SELECT id, email, normalized_email, hashed_password FROM users ORDER BY id",
		"SELECT token, user_id, '', '' FROM access_tokens ORDER BY token",
		"SELECT id, user_id, account_id, access_token FROM oauth_accounts ORDER BY id",
	} {
		rows, err := x.targetDB().Query(q)
		if err != nil {
			x.t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var a, b, c, d string
			if err := rows.Scan(&a, &b, &c, &d); err != nil {
				x.t.Fatal(err)
			}
			fmt.Fprintf(h, "%s|%s|%s|%s\n", a, b, c, d)
		}
		if err := rows.Err(); err != nil {
			x.t.Fatal(err)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkDryRun: --dry-run reads and checks everything and writes nothing;
// without --partial it exits 1, as the real run would, with --partial 0.
func (x *fuImport) checkDryRun() {
	x.t.Helper()
	nUsers, nSkipped := len(x.want.users), len(x.want.skippedUsers)
	for _, partial := range []bool{false, true} {
		args := []string{"--from", x.source, "--dry-run"}
		wantCode := 1
		if partial {
			args, wantCode = append(args, "--partial"), 0
		}
		step := "import " + strings.Join(args[2:], " ")
		r := x.run(args...)
		if r.code == 2 {
			x.t.Fatalf("%s: exit 2, a usage error\n%s", step, r)
		}
		if r.code != wantCode || !r.dryRun {
			x.t.Errorf("%s: want exit %d and a line saying nothing was written\n%s", step, wantCode, r)
		}
		x.wantProblems(step, r)
		x.wantCounts(step, r, [4]int{nUsers, 0, 0, nSkipped}, [4]int{len(x.want.tokens), 0, 0, len(x.want.skippedTokens)}, [4]int{len(x.want.accounts), 0, 0, 0})
		for _, table := range []string{"users", "access_tokens", "oauth_accounts"} {
			if n := x.count(table); n != 0 {
				x.t.Errorf("%s: the service's %s has %d rows, want none", step, table, n)
			}
		}
	}
}

// checkRefused: without --partial, the case-duplicate pair stops the
// import, which lists it and writes nothing.
func (x *fuImport) checkRefused() {
	x.t.Helper()
	r := x.run("--from", x.source)
	if r.code != 1 {
		x.t.Errorf("import without --partial: want exit 1\n%s", r)
	}
	x.wantProblems("import without --partial", r)
	for _, u := range x.want.skippedUsers {
		if reason := r.problems["user "+u.ID]; !strings.Contains(strings.ToLower(reason), "case") {
			x.t.Errorf("import without --partial: user %s (%s): %q, want a reason naming the case duplicate", u.ID, u.Email, reason)
		}
	}
	for _, table := range []string{"users", "access_tokens", "oauth_accounts"} {
		if n := x.count(table); n != 0 {
			x.t.Errorf("import without --partial: the service's %s has %d rows, want none", table, n)
		}
	}
}

// checkPartialImport: --partial imports all that can be moved, and the
// service's database then holds the users' hashes verbatim, their emails
// as the service normalises them, the tokens' digests, and the OAuth
// accounts with their tokens encrypted.
func (x *fuImport) checkPartialImport() {
	t := x.t
	t.Helper()
	start := time.Now()
	r := x.run("--from", x.source, "--partial")
	t.Logf("import --partial: %v", time.Since(start).Round(time.Millisecond))
	if r.code != 0 {
		t.Fatalf("import --partial: want exit 0\n%s", r)
	}
	x.wantProblems("import --partial", r)
	x.wantCounts("import --partial", r, [4]int{len(x.want.users), 0, 0, len(x.want.skippedUsers)}, [4]int{len(x.want.tokens), 0, 0, len(x.want.skippedTokens)}, [4]int{len(x.want.accounts), 0, 0, 0})
	if !strings.Contains(r.stderr, "importing users") {
		t.Errorf("import --partial: no progress on stderr\n%s", r)
	}

	rows, err := x.targetDB().Query("SELECT id, email, normalized_email, hashed_password FROM users")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]string{}
	for rows.Next() {
		var id string
		var v [3]string
		if err := rows.Scan(&id, &v[0], &v[1], &v[2]); err != nil {
			t.Fatal(err)
		}
		got[strings.ToLower(id)] = v
	}
	rows.Close()
	if len(got) != len(x.want.users) {
		t.Errorf("after import --partial the service has %d users, want %d", len(got), len(x.want.users))
	}
	for _, u := range x.want.users {
		v, ok := got[u.ID]
		want := [3]string{serviceEmail(u.Email), strings.ToLower(u.Email), u.HashedPassword}
		if !ok || v != want {
			t.Errorf("user %s (%s) in the service: %q (found %v), want email, normalized_email and hash %q", u.ID, u.Key, v, ok, want)
		}
	}

	// Tokens keep their age: each is stored as its SHA-256 with the
	// creation time of the source (MySQL's source has whole seconds).
	type storedToken struct {
		userID  string
		created time.Time
	}
	digests := map[string]storedToken{}
	rows, err = x.targetDB().Query("SELECT token, user_id, created_at FROM access_tokens")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var digest, userID string
		var created any
		if err := rows.Scan(&digest, &userID, &created); err != nil {
			t.Fatal(err)
		}
		digests[digest] = storedToken{strings.ToLower(userID), databaseTime(t, created)}
	}
	rows.Close()
	if len(digests) != len(x.want.tokens) {
		t.Errorf("after import --partial the service has %d access tokens, want %d", len(digests), len(x.want.tokens))
	}
	shift := fuShift(x.m)
	for _, tok := range x.want.tokens {
		sum := sha256.Sum256([]byte(tok.Token))
		stored, ok := digests[hex.EncodeToString(sum[:])]
		if !ok || stored.userID != tok.UserID {
			t.Errorf("access token %s of %s: stored for user %q (found %v), want its SHA-256 stored for %s", shortToken(tok.Token), tok.UserKey, stored.userID, ok, tok.UserID)
			continue
		}
		// The shift was reckoned when the source was made, moments
		// before fuShift is reckoned again here.
		want := tok.CreatedAt.Add(shift)
		if d := stored.created.Sub(want); d < -time.Minute || d > time.Second {
			t.Errorf("access token %s of %s: created_at %v in the service, want the source's, about %v", shortToken(tok.Token), tok.UserKey, stored.created, want)
		}
	}

	rows, err = x.targetDB().Query("SELECT id, user_id, oauth_name, account_id, account_email, access_token, refresh_token, expires_at FROM oauth_accounts")
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]bool{}
	for rows.Next() {
		var id, userID, name, accountID, accountEmail, access string
		var refresh sql.NullString
		var expires sql.NullInt64
		if err := rows.Scan(&id, &userID, &name, &accountID, &accountEmail, &access, &refresh, &expires); err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(x.want.accounts, func(a fuOAuthAccount) bool { return a.ID == strings.ToLower(id) })
		if i < 0 {
			t.Errorf("the service has an OAuth account %s the source lacks", id)
			continue
		}
		a := x.want.accounts[i]
		accounts[a.ID] = true
		if strings.ToLower(userID) != a.UserID || name != a.OAuthName || accountID != a.AccountID || accountEmail != a.AccountEmail {
			t.Errorf("OAuth account %s: user %s, %s, %s, %s; want %s, %s, %s, %s", id, userID, name, accountID, accountEmail, a.UserID, a.OAuthName, a.AccountID, a.AccountEmail)
		}
		if access == a.AccessToken || access == "" || (refresh.Valid != (a.RefreshToken != nil)) || (a.RefreshToken != nil && refresh.String == *a.RefreshToken) {
			t.Errorf("OAuth account %s: tokens stored as %q / %v, want them encrypted (and a refresh token exactly when the source has one)", id, access, refresh)
		}
		if expires.Valid != (a.ExpiresAt != nil) || (a.ExpiresAt != nil && expires.Int64 != *a.ExpiresAt) {
			t.Errorf("OAuth account %s: expires_at %v, want %v", id, expires, a.ExpiresAt)
		}
	}
	rows.Close()
	if len(accounts) != len(x.want.accounts) {
		t.Errorf("after import --partial the service has %d of the %d OAuth accounts", len(accounts), len(x.want.accounts))
	}
}

// login posts FastAPI Users' login form and returns the status, the
// access token of a 200, and the body.
func (x *fuImport) login(email, password string) (int, string, []byte) {
	x.t.Helper()
	form := url.Values{"username": {email}, "password": {password}}.Encode()
	status, _, body := x.c.request(x.t, "POST", x.base+"/auth/jwt/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, strings.NewReader(form))
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if status == http.StatusOK {
		if err := json.Unmarshal(body, &login); err != nil || login.AccessToken == "" {
			x.t.Errorf("login of %s: 200 %s, want an access token", email, body)
		}
	}
	return status, login.AccessToken, body
}

// me checks that a header authenticates GET /users/me as u, with the
// flags and fields of the manifest.
func (x *fuImport) me(step string, header map[string]string, u fuUser) {
	x.t.Helper()
	status, _, body := x.c.request(x.t, "GET", x.base+"/users/me", header, nil)
	if status != http.StatusOK {
		x.t.Errorf("%s: GET /users/me: %d %s, want 200 as %s", step, status, body, u.Key)
		return
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		x.t.Fatalf("%s: GET /users/me: %s", step, body)
	}
	want := map[string]any{
		"id": u.ID, "email": serviceEmail(u.Email), "is_active": u.IsActive, "is_superuser": u.IsSuperuser,
		"is_verified": u.IsVerified, "first_name": nil, "age": nil, "plan": u.Plan,
	}
	if u.FirstName != nil {
		want["first_name"] = *u.FirstName
	}
	if u.Age != nil {
		want["age"] = float64(*u.Age)
	}
	for k, v := range want {
		if got[k] != v {
			x.t.Errorf("%s: GET /users/me has %s %#v, want %#v (%s)\n%s", step, k, got[k], v, u.Key, body)
		}
	}
}

func bearerHeader(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// checkLogins logs every imported user in with their FastAPI Users
// password: active ones get 200 and their /users/me, inactive ones 400
// LOGIN_BAD_CREDENTIALS, as in FastAPI Users. A user with a bcrypt,
// legacy Argon2id or passlib pbkdf2 hash has it upgraded by the login, and
// logs in again with the new one. Some log in with another spelling of
// their email.
func (x *fuImport) checkLogins() {
	t := x.t
	t.Helper()
	start := time.Now()
	x.upgraded = map[string]string{}
	for _, u := range x.want.users {
		status, token, body := x.login(u.Email, u.Password)
		if !u.IsActive {
			if status != http.StatusBadRequest || !strings.Contains(string(body), `"LOGIN_BAD_CREDENTIALS"`) {
				t.Errorf("login of the inactive %s (%s, %s): %d %s, want 400 LOGIN_BAD_CREDENTIALS", u.Key, u.Email, u.HashScheme, status, body)
			}
			continue
		}
		if status != http.StatusOK {
			t.Errorf("login of %s (%s, %s): %d %s, want 200", u.Key, u.Email, u.HashScheme, status, body)
			continue
		}
		x.me("login of "+u.Key, bearerHeader(token), u)
		legacy := u.RehashOnLogin || u.HashScheme == "pbkdf2-sha256"
		if !legacy {
			continue
		}
		var hash string
		if err := x.targetDB().QueryRow("SELECT hashed_password FROM users WHERE normalized_email = "+x.placeholder(1), strings.ToLower(u.Email)).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if hash == u.HashedPassword || !strings.HasPrefix(hash, "$argon2id$") {
			t.Errorf("login of %s (%s): hash now %q, want it upgraded to the service's argon2id", u.Key, u.HashScheme, hash)
		}
		x.upgraded[u.ID] = hash
		if status, token, body := x.login(u.Email, u.Password); status != http.StatusOK {
			t.Errorf("second login of %s (%s, upgraded hash): %d %s, want 200", u.Key, u.HashScheme, status, body)
		} else {
			x.me("second login of "+u.Key, bearerHeader(token), u)
		}
	}
	if len(x.upgraded) != 11 {
		t.Errorf("%d active users with legacy hashes logged in, want the fixture's 11 (8 bcrypt, 2 legacy Argon2id, 1 pbkdf2)", len(x.upgraded))
	}
	variants := map[string]string{
		"admin":       "ADMIN@EXAMPLE.COM",
		"root":        "root.admin@example.com",
		"carol":       "carol@Example.Com",
		"oauth_mixed": "OAUTH.MIXED@example.org",
		"walter":      "Legacy.Walter@EXAMPLE.com",
	}
	for _, u := range x.want.users {
		email, ok := variants[u.Key]
		if !ok {
			continue
		}
		if status, token, body := x.login(email, u.Password); status != http.StatusOK {
			t.Errorf("login of %s as %s: %d %s, want 200", u.Key, email, status, body)
		} else {
			x.me("login as "+email, bearerHeader(token), u)
		}
	}
	// A wrong password is refused for each kind of hash the import
	// brought, the pbkdf2 one among them (FastAPI Users answers 500).
	for _, key := range []string{"alice", "cleo", "unknown_hash"} {
		u := x.user(key)
		if status, _, body := x.login(u.Email, u.Password+"x"); status != http.StatusBadRequest || !strings.Contains(string(body), `"LOGIN_BAD_CREDENTIALS"`) {
			t.Errorf("login of %s with a wrong password: %d %s, want 400 LOGIN_BAD_CREDENTIALS", key, status, body)
		}
	}
	t.Logf("logins: %v", time.Since(start).Round(time.Millisecond))
}

func (x *fuImport) user(key string) fuUser {
	x.t.Helper()
	for _, u := range x.m.Users {
		if u.Key == key {
			return u
		}
	}
	x.t.Fatalf("no user %s in the manifest", key)
	return fuUser{}
}

func (x *fuImport) placeholder(n int) string { return fuPlaceholders(x.dialect, n-1, 1) }

// checkAdminList: an imported superuser lists the imported users.
func (x *fuImport) checkAdminList() {
	t := x.t
	t.Helper()
	admin := x.user("admin")
	status, token, body := x.login(admin.Email, admin.Password)
	if status != http.StatusOK {
		t.Fatalf("login of admin: %d %s", status, body)
	}
	status, header, body := x.c.request(t, "GET", x.base+"/users/?limit=100", bearerHeader(token), nil)
	var listed []struct {
		ID string `json:"id"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &listed) != nil {
		t.Fatalf("GET /users/ as admin: %d %s", status, body)
	}
	var ids []string
	for _, u := range listed {
		ids = append(ids, u.ID)
	}
	var want []string
	for _, u := range x.want.users {
		want = append(want, u.ID)
	}
	slices.Sort(ids)
	slices.Sort(want)
	if !slices.Equal(ids, want) || header.Get("X-Total-Count") != strconv.Itoa(len(want)) {
		t.Errorf("GET /users/ as admin: X-Total-Count %q, ids %q; want the %d imported users", header.Get("X-Total-Count"), ids, len(want))
	}
}

// checkTokens: every imported access token and every JWT authenticates
// its user; grace's (inactive) and the expired token get 401, and so do
// the token and JWT of the duplicate, whose user was not imported.
func (x *fuImport) checkTokens() {
	t := x.t
	t.Helper()
	for _, tok := range x.m.AccessTokens {
		u := x.userByID(tok.UserID)
		wantOK := x.want.imported[tok.UserID] && u.IsActive && tok.Token != x.want.expired.Token
		if wantOK {
			x.me("access token "+shortToken(tok.Token)+" of "+u.Key, bearerHeader(tok.Token), u)
			continue
		}
		if status, _, body := x.c.request(t, "GET", x.base+"/users/me", bearerHeader(tok.Token), nil); status != http.StatusUnauthorized {
			t.Errorf("access token %s of %s (active %v, imported %v, expired %v): GET /users/me %d %s, want 401", shortToken(tok.Token), u.Key, u.IsActive, x.want.imported[tok.UserID], tok.Token == x.want.expired.Token, status, body)
		}
	}
	for _, j := range x.m.JWTs {
		u := x.userByID(j.UserID)
		if x.want.imported[j.UserID] {
			x.me("the FastAPI Users JWT of "+u.Key, bearerHeader(j.Token), u)
			continue
		}
		if status, _, body := x.c.request(t, "GET", x.base+"/users/me", bearerHeader(j.Token), nil); status != http.StatusUnauthorized {
			t.Errorf("the JWT of %s, not imported: GET /users/me %d %s, want 401", u.Key, status, body)
		}
	}
}

func (x *fuImport) userByID(id string) fuUser {
	x.t.Helper()
	for _, u := range x.m.Users {
		if u.ID == id {
			return u
		}
	}
	x.t.Fatalf("no user %s in the manifest", id)
	return fuUser{}
}

// checkOAuthLogins logs each imported OAuth account in through the fake
// provider: it lands on its own user, and no user is added.
func (x *fuImport) checkOAuthLogins() {
	t := x.t
	t.Helper()
	before := x.count("users")
	w := &oauthWalker{t: t, api: x.c, base: x.base, provider: x.provider, client: &http.Client{
		Transport:     &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 3)}}).DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	for _, a := range x.want.accounts {
		token := w.loginBearer("/auth/oidc", a.AccountID, a.AccountEmail)
		x.me("OAuth login of "+a.AccountID, bearerHeader(token), x.userByID(a.UserID))
	}
	if after := x.count("users"); after != before {
		t.Errorf("the OAuth logins of imported accounts took the users from %d to %d, want none added", before, after)
	}
	if n := x.count("oauth_accounts"); n != len(x.want.accounts) {
		t.Errorf("after the OAuth logins the service has %d OAuth accounts, want %d", n, len(x.want.accounts))
	}
}

// checkReimport: the same import again writes nothing: everything is
// already there, and the hashes upgraded at login stay upgraded.
func (x *fuImport) checkReimport() {
	t := x.t
	t.Helper()
	before := x.snapshot()
	r := x.run("--from", x.source, "--partial")
	if r.code != 0 {
		t.Errorf("the second import --partial: want exit 0\n%s", r)
	}
	x.wantProblems("the second import", r)
	x.wantCounts("the second import", r, [4]int{0, 0, len(x.want.users), len(x.want.skippedUsers)}, [4]int{0, 0, len(x.want.tokens), len(x.want.skippedTokens)}, [4]int{0, 0, len(x.want.accounts), 0})
	if x.snapshot() != before {
		t.Errorf("the second import changed the service's database")
	}
	for id, hash := range x.upgraded {
		var now string
		if err := x.targetDB().QueryRow("SELECT hashed_password FROM users WHERE id = "+x.placeholder(1), id).Scan(&now); err != nil || now != hash {
			t.Errorf("user %s after the second import: hash %q (%v), want the one its login upgraded to, %q", id, now, err, hash)
		}
	}
}

// refused checks a run of the import that must stop: the exit code, an
// output naming each of mentions, and the service's database unchanged.
func (x *fuImport) refused(step string, wantCode int, before string, r importReport, mentions ...string) {
	x.t.Helper()
	if r.code != wantCode {
		x.t.Errorf("%s: want exit %d\n%s", step, wantCode, r)
	}
	for _, m := range mentions {
		if !strings.Contains(r.stdout+r.stderr, m) {
			x.t.Errorf("%s: the output does not name %q\n%s", step, m, r)
		}
	}
	if x.snapshot() != before {
		x.t.Errorf("%s: the service's database changed", step)
	}
}

// checkBadSources gives the import sources it must refuse, each with a
// clear error and the service's database left as it was: a database
// without FastAPI Users' tables, a user table with a column no field
// takes (then taken with --skip-column), rows the service cannot take,
// and a user table that lacks a column.
func (x *fuImport) checkBadSources() {
	t := x.t
	t.Helper()
	before := x.snapshot()

	var empty string
	if x.dialect == "sqlite" {
		path := filepath.Join(x.work, "empty.sqlite3")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		empty = "sqlite:" + path
	} else {
		empty = e2eDatabases[slices.IndexFunc(e2eDatabases, func(d e2eDatabase) bool { return d.name == x.dialect })].open(t, x.work)
	}
	r := x.run("--from", empty)
	x.refused("import from a database without FastAPI Users' tables", 1, before, r, "user")
	if !regexp.MustCompile(`(?i)table|not found|no such|missing|does not exist|doesn't exist`).MatchString(r.stdout + r.stderr) {
		t.Errorf("import from a database without FastAPI Users' tables: the output does not say the table is missing\n%s", r)
	}

	// Usage errors: no --from, a batch size that is no number.
	r = x.run()
	x.refused("import without --from", 2, before, r, "--from")
	r = x.run("--from", x.source, "--batch-size", "none")
	x.refused("import with --batch-size none", 2, before, r, "batch-size")

	userTable := fuUserTable[x.dialect]
	exec := func(q string) {
		t.Helper()
		if _, err := x.sourceDB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	// A column that is neither FastAPI Users' nor a field stops the
	// import, unless left behind with --skip-column.
	exec("ALTER TABLE " + userTable + " ADD COLUMN nickname VARCHAR(50)")
	r = x.run("--from", x.source, "--partial")
	x.refused("import of a user table with a column nickname", 1, before, r, "nickname")
	r = x.run("--from", x.source, "--partial", "--skip-column", "nickname")
	if r.code != 0 {
		t.Errorf("import --skip-column nickname: want exit 0\n%s", r)
	}
	x.wantCounts("import --skip-column nickname", r, [4]int{0, 0, len(x.want.users), len(x.want.skippedUsers)}, [4]int{0, 0, len(x.want.tokens), len(x.want.skippedTokens)}, [4]int{0, 0, len(x.want.accounts), 0})
	exec("ALTER TABLE " + userTable + " DROP COLUMN nickname")
	if x.snapshot() != before {
		t.Errorf("import --skip-column nickname changed the service's database")
	}

	// Rows the service cannot take, each listed by id: an invalid email,
	// a hash format it cannot verify, a plan the enum lacks, a first name
	// longer than its max_length, an email of a user already in the
	// service (in another spelling; the last row), and an OAuth account of a provider
	// the service lacks.
	name := strings.Repeat("n", 101)
	bad := []fuUser{
		{ID: "0b0b0b0b-0000-4000-8000-000000000001", Email: "not-an-email", HashedPassword: x.user("alice").HashedPassword, Plan: "free"},
		{ID: "0b0b0b0b-0000-4000-8000-000000000002", Email: "md5.hash@example.com", HashedPassword: "md5$c2FsdA$5f4dcc3b5aa765d61d8327deb882cf99", Plan: "free"},
		{ID: "0b0b0b0b-0000-4000-8000-000000000003", Email: "platinum@example.com", HashedPassword: x.user("alice").HashedPassword, Plan: "platinum"},
		{ID: "0b0b0b0b-0000-4000-8000-000000000004", Email: "long.name@example.com", HashedPassword: x.user("alice").HashedPassword, Plan: "free", FirstName: &name},
		{ID: "0b0b0b0b-0000-4000-8000-000000000005", Email: "NEWCOMER@camelot.bt", HashedPassword: x.user("alice").HashedPassword, Plan: "free"},
	}
	if x.dialect != "sqlite" {
		// FastAPI Users' VARCHAR(100) refuses the long name itself;
		// SQLite's VARCHAR has no length.
		bad = slices.Delete(bad, 3, 4)
	}
	// The service's own user, registered over its API, and a source row
	// with the same address in capitals.
	jsonHeader := map[string]string{"Content-Type": "application/json"}
	if status, _, body := x.c.request(t, "POST", x.base+"/auth/register", jsonHeader, strings.NewReader(`{"email": "newcomer@camelot.bt", "password": "a new member"}`)); status != http.StatusCreated {
		t.Fatalf("register newcomer: %d %s", status, body)
	}
	before = x.snapshot()
	github := fuOAuthAccount{ID: "0b0b0b0b-0000-4000-8000-0000000000aa", UserID: x.user("bob").ID, OAuthName: "github", AccountID: "gh-42", AccountEmail: "bob@github.example", AccessToken: "gho_fixture"}
	ph := func(n int) string {
		p := make([]string, n)
		for i := range p {
			p[i] = x.placeholder(i + 1)
		}
		return strings.Join(p, ", ")
	}
	for _, u := range bad {
		if _, err := x.sourceDB.Exec(`INSERT INTO `+userTable+` (id, email, hashed_password, is_active, is_superuser, is_verified, first_name, age, `+fuPlanColumn[x.dialect]+`) VALUES (`+ph(9)+`)`,
			u.ID, u.Email, u.HashedPassword, true, false, false, u.FirstName, u.Age, u.Plan); err != nil {
			t.Fatalf("inserting the bad user %s: %v", u.Email, err)
		}
	}
	insertFURows(t, x.sourceDB, x.dialect, nil, nil, []fuOAuthAccount{github}, 0)
	r = x.run("--from", x.source)
	mentions := []string{"oauth_account " + github.ID + ":"}
	for _, u := range bad {
		mentions = append(mentions, "user "+u.ID+":")
	}
	x.refused("import of a source with bad rows", 1, before, r, mentions...)
	for _, key := range []string{"user " + bad[1].ID, "oauth_account " + github.ID} {
		if _, ok := r.problems[key]; !ok {
			t.Errorf("import of a source with bad rows: no problem line for %s\n%s", key, r)
		}
	}
	// The bad rows are listed under --partial as well, and the rest is
	// already there.
	r = x.run("--from", x.source, "--partial", "--dry-run")
	if r.code != 0 {
		t.Errorf("import --partial --dry-run of a source with bad rows: want exit 0\n%s", r)
	}
	for _, m := range mentions {
		if !strings.Contains(r.stdout, m) {
			t.Errorf("import --partial --dry-run of a source with bad rows: no line %q\n%s", m, r)
		}
	}
	x.wantCounts("import --partial --dry-run of a source with bad rows", r, [4]int{0, 0, len(x.want.users), len(x.want.skippedUsers) + len(bad)}, [4]int{0, 0, len(x.want.tokens), len(x.want.skippedTokens)}, [4]int{0, 0, len(x.want.accounts), 1})
	if x.snapshot() != before {
		t.Errorf("import --partial --dry-run changed the service's database")
	}

	// Without an access token table there are no tokens to copy, which
	// is noted; a token table named on the command line must be there.
	exec("DROP TABLE accesstoken")
	r = x.run("--from", x.source, "--partial")
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "accesstoken") {
		t.Errorf("import from a source without accesstoken: want exit 0 and a note naming the table\n%s", r)
	}
	if x.snapshot() != before {
		t.Errorf("import from a source without accesstoken changed the service's database")
	}
	r = x.run("--from", x.source, "--partial", "--token-table", "accesstoken")
	x.refused("import --token-table accesstoken from a source without it", 1, before, r, "accesstoken")

	// A user table without is_verified.
	exec("ALTER TABLE " + userTable + " DROP COLUMN is_verified")
	r = x.run("--from", x.source, "--partial")
	x.refused("import of a user table without is_verified", 1, before, r, "is_verified")
}

// TestFastAPIUsersSource checks the sources TestImportFastAPIUsers
// imports from, without the service: on each database, the FastAPI Users
// tables hold every row of the manifest, and FastAPI Users' own lifetime
// check (created_at >= now - 3600 s) finds every access token but the
// 2-day-old one, as when the fixture was made.
func TestFastAPIUsersSource(t *testing.T) {
	m := loadFUManifest(t)
	for _, db := range e2eDatabases {
		t.Run(db.name, func(t *testing.T) {
			source := newFUSource(t, db.name, t.TempDir(), m)
			sdb := openDatabaseURL(t, source)
			ph := "?"
			if db.name == "postgres" {
				ph = "$1"
			}

			rows, err := sdb.Query(`SELECT id, email, hashed_password, is_active, is_superuser, is_verified, first_name, age, ` + fuPlanColumn[db.name] + ` FROM ` + fuUserTable[db.name])
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]fuUser{}
			for rows.Next() {
				var u fuUser
				var first sql.NullString
				var age sql.NullInt64
				if err := rows.Scan(&u.ID, &u.Email, &u.HashedPassword, &u.IsActive, &u.IsSuperuser, &u.IsVerified, &first, &age, &u.Plan); err != nil {
					t.Fatal(err)
				}
				if first.Valid {
					u.FirstName = &first.String
				}
				if age.Valid {
					n := int(age.Int64)
					u.Age = &n
				}
				got[u.ID] = u
			}
			rows.Close()
			if len(got) != len(m.Users) {
				t.Errorf("the source has %d users, want %d", len(got), len(m.Users))
			}
			for _, want := range m.Users {
				u := got[want.ID]
				same := u.Email == want.Email && u.HashedPassword == want.HashedPassword && u.IsActive == want.IsActive &&
					u.IsSuperuser == want.IsSuperuser && u.IsVerified == want.IsVerified && u.Plan == want.Plan &&
					(u.FirstName == nil) == (want.FirstName == nil) && (u.FirstName == nil || *u.FirstName == *want.FirstName) &&
					(u.Age == nil) == (want.Age == nil) && (u.Age == nil || *u.Age == *want.Age)
				if !same {
					t.Errorf("user %s (%s) in the source differs from the manifest: %+v", want.ID, want.Key, u)
				}
			}

			for _, want := range m.AccessTokens {
				var userID string
				if err := sdb.QueryRow(`SELECT user_id FROM accesstoken WHERE token = `+ph, want.Token).Scan(&userID); err != nil || userID != want.UserID {
					t.Errorf("token %s: user %q (%v), want %s", shortToken(want.Token), userID, err, want.UserID)
				}
			}
			var accounts int
			for _, want := range m.OAuthAccounts {
				var userID, accountID, access string
				var expires sql.NullInt64
				if err := sdb.QueryRow(`SELECT user_id, account_id, access_token, expires_at FROM oauth_account WHERE id = `+ph, want.ID).Scan(&userID, &accountID, &access, &expires); err != nil ||
					userID != want.UserID || accountID != want.AccountID || access != want.AccessToken || expires.Valid != (want.ExpiresAt != nil) || (want.ExpiresAt != nil && expires.Int64 != *want.ExpiresAt) {
					t.Errorf("OAuth account %s: %s %s %s %v (%v), want the manifest's", want.ID, userID, accountID, access, expires, err)
				}
				accounts++
			}

			if db.name == "sqlite" {
				// The shifted times keep FastAPI Users' text format, which
				// its lifetime check compares as strings.
				var bad int
				if err := sdb.QueryRow(`SELECT COUNT(*) FROM accesstoken WHERE typeof(created_at) != 'text' OR created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'`).Scan(&bad); err != nil || bad != 0 {
					t.Errorf("%d access tokens (%v) of the SQLite source have a created_at not in FastAPI Users' format", bad, err)
				}
			}

			// FastAPI Users' DatabaseStrategy query with lifetime_seconds=3600.
			var maxAge any = time.Now().Add(-time.Hour).UTC()
			if db.name == "sqlite" {
				maxAge = maxAge.(time.Time).Format(fuSQLiteTime)
			}
			rows, err = sdb.Query(`SELECT token FROM accesstoken WHERE created_at >= `+ph, maxAge)
			if err != nil {
				t.Fatal(err)
			}
			var alive []string
			for rows.Next() {
				var token string
				if err := rows.Scan(&token); err != nil {
					t.Fatal(err)
				}
				alive = append(alive, token)
			}
			rows.Close()
			for _, tok := range m.AccessTokens {
				expired := tok.Tricky != nil && tok.Tricky.Kind == "expired_access_token"
				if slices.Contains(alive, tok.Token) == expired {
					t.Errorf("token %s (%s) alive under a 3600 s lifetime: %v, want %v", shortToken(tok.Token), tok.UserKey, !expired, expired)
				}
			}
		})
	}
}

// checkCutOff cuts the import off the service's database partway: the
// import fails with exit 1, the service's database keeps whole batches
// only, and the same import run again carries on and completes. It
// imports 2,000 new users from a source of their own into a new database
// reached through a proxy, in batches of 100, and cuts the proxy when
// the progress on stderr says the first batches are written.
func (x *fuImport) checkCutOff() {
	t := x.t
	t.Helper()
	const users, batch = 2000, 100
	open := e2eDatabases[slices.IndexFunc(e2eDatabases, func(d e2eDatabase) bool { return d.name == x.dialect })].open
	sourceURL := open(t, x.work)
	source := openDatabaseURL(t, sourceURL)
	createFUTables(t, source, x.dialect)
	var values []string
	var args []any
	for i := range users {
		values = append(values, "("+fuPlaceholders(x.dialect, len(args), 9)+")")
		args = append(args, fmt.Sprintf("0c0c0c0c-0000-4000-8000-%012d", i), fmt.Sprintf("bulk%04d@example.com", i), x.user("alice").HashedPassword, true, false, i%2 == 0, nil, nil, "free")
	}
	if _, err := source.Exec(`INSERT INTO `+fuUserTable[x.dialect]+` (id, email, hashed_password, is_active, is_superuser, is_verified, first_name, age, `+fuPlanColumn[x.dialect]+`) VALUES `+strings.Join(values, ", "), args...); err != nil {
		t.Fatal(err)
	}

	targetURL := open(t, x.work)
	u, err := url.Parse(targetURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
	env := append(slices.Clone(x.env), "DATABASE_URL="+u.String())
	cmd := exec.Command(x.server, "import-fastapi-users", "--from", sourceURL, "--batch-size", strconv.Itoa(batch))
	cmd.Env = append(os.Environ(), env...)
	var stdout strings.Builder
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	progress := regexp.MustCompile(`importing users: (\d+) of (\d+)`)
	var errOut strings.Builder
	cutAt := -1
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		errOut.WriteString(lines.Text() + "\n")
		if p := progress.FindStringSubmatch(lines.Text()); p != nil && cutAt < 0 {
			if n, _ := strconv.Atoi(p[1]); n > 0 && n < users {
				proxy.cut()
				cutAt = n
			}
		}
	}
	err = cmd.Wait()
	report := fmt.Sprintf("stdout:\n%s\nstderr:\n%.3000s", stdout.String(), errOut.String())
	if cutAt < 0 {
		t.Fatalf("import of %d users in batches of %d: no progress line \"importing users: N of %d\" with 0 < N < %d to cut at (%v)\n%s", users, batch, users, users, err, report)
	}
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Errorf("import cut off its database after %d users: %v, want exit 1\n%s", cutAt, err, report)
	}
	target := openDatabaseURL(t, targetURL)
	var kept int
	if err := target.QueryRow("SELECT COUNT(*) FROM users").Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept < cutAt || kept%batch != 0 || kept >= users {
		t.Errorf("import cut off after the progress line of %d users: the service's database kept %d users, want whole batches of %d, at least %d and fewer than %d\n%s", cutAt, kept, batch, cutAt, users, report)
	}
	t.Logf("import cut off at the progress line of %d users; %d users kept", cutAt, kept)

	// The same import, the database back: it carries on.
	env = append(slices.Clone(x.env), "DATABASE_URL="+targetURL)
	stdoutAgain, stderrAgain, code := runServer(t, x.server, env, "import-fastapi-users", "--from", sourceURL, "--batch-size", strconv.Itoa(batch))
	want := fmt.Sprintf("users: %d imported, 0 updated, %d already there, 0 not imported", users-kept, kept)
	if code != 0 || !strings.Contains(stdoutAgain, want) {
		t.Errorf("the import run again after the cut: exit %d, want 0 and %q\nstdout:\n%s\nstderr:\n%.3000s", code, want, stdoutAgain, stderrAgain)
	}
	var all int
	if err := target.QueryRow("SELECT COUNT(*) FROM users").Scan(&all); err != nil || all != users {
		t.Errorf("after the import ran again the service has %d users (%v), want %d", all, err, users)
	}
}

// checkUpdate: with --update, users imported before take the source's
// values: a plan and first name changed in the source reach the service,
// and a user whose upgraded hash --update puts back to the source's
// bcrypt one still logs in.
func (x *fuImport) checkUpdate() {
	t := x.t
	t.Helper()
	bob, walter := x.user("bob"), x.user("walter")
	update := func(plan, firstName string) {
		t.Helper()
		q := "UPDATE " + fuUserTable[x.dialect] + " SET " + fuPlanColumn[x.dialect] + " = " + x.placeholder(1) + ", first_name = " + x.placeholder(2) + " WHERE id = " + x.placeholder(3)
		if _, err := x.sourceDB.Exec(q, plan, firstName, bob.ID); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	update("team", "Robert")
	r := x.run("--from", x.source, "--partial", "--update")
	if r.code != 0 {
		t.Errorf("import --update: want exit 0\n%s", r)
	}
	if n := r.counts["users"]; n[0] != 0 || n[1] < 1 || n[1]+n[2] != len(x.want.users) || n[3] != len(x.want.skippedUsers) {
		t.Errorf("import --update: users counts %v, want none imported, bob among the updated, %d updated or already there, %d not imported\n%s", n, len(x.want.users), len(x.want.skippedUsers), r)
	}
	var plan, firstName string
	if err := x.targetDB().QueryRow("SELECT plan, first_name FROM users WHERE id = "+x.placeholder(1), bob.ID).Scan(&plan, &firstName); err != nil || plan != "team" || firstName != "Robert" {
		t.Errorf("bob after import --update: plan %q, first_name %q (%v); want the source's team and Robert", plan, firstName, err)
	}
	for _, u := range []fuUser{bob, walter} {
		status, token, body := x.login(u.Email, u.Password)
		if status != http.StatusOK {
			t.Errorf("login of %s after import --update: %d %s, want 200", u.Key, status, body)
			continue
		}
		if u.Key == "bob" {
			u.Plan, u.FirstName = "team", &firstName
		}
		x.me("login of "+u.Key+" after import --update", bearerHeader(token), u)
	}
	update(bob.Plan, *bob.FirstName)
	if r := x.run("--from", x.source, "--partial", "--update"); r.code != 0 {
		t.Errorf("import --update with bob as before: want exit 0\n%s", r)
	}
}

// checkSameDatabase imports from FastAPI Users' tables in the service's
// own database, which the contract allows (the table names differ): a
// new source is made, and the service's database is pointed at it.
func (x *fuImport) checkSameDatabase() {
	t := x.t
	t.Helper()
	work := filepath.Join(x.work, "same")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	both := newFUSource(t, x.dialect, work, x.m)
	env := append(slices.Clone(x.env), "DATABASE_URL="+both)
	stdout, stderr, code := runServer(t, x.server, env, "migrate")
	if code != 0 {
		t.Fatalf("authserver migrate on the FastAPI Users database: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, stderr, code = runServer(t, x.server, env, "import-fastapi-users", "--from", both, "--partial")
	for table, want := range map[string][2]int{"users": {len(x.want.users), len(x.want.skippedUsers)}, "access tokens": {len(x.want.tokens), len(x.want.skippedTokens)}, "oauth accounts": {len(x.want.accounts), 0}} {
		line := fmt.Sprintf("%s: %d imported, 0 updated, 0 already there, %d not imported", table, want[0], want[1])
		if code != 0 || !strings.Contains(stdout, line) {
			t.Errorf("import from the service's own database: exit %d, want 0 and %q\nstdout:\n%s\nstderr:\n%.3000s", code, line, stdout, stderr)
		}
	}
	db := openDatabaseURL(t, both)
	var users, fuUsers int
	if err := db.QueryRow("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM "+fuUserTable[x.dialect]+")").Scan(&users, &fuUsers); err != nil || users != len(x.want.users) || fuUsers != len(x.m.Users) {
		t.Errorf("the shared database after the import: %d users and %d FastAPI Users users (%v), want %d and %d", users, fuUsers, err, len(x.want.users), len(x.m.Users))
	}
}

// checkRenamedDuplicate does what the import's report asks of the
// case-duplicate pair, which it leaves out: one of them is renamed in a
// new copy of the source (the checks before changed the first), and the
// import run again brings both over, so that the JWT and the access token
// of each work again, and the renamed one logs in with its new address.
func (x *fuImport) checkRenamedDuplicate() {
	t := x.t
	t.Helper()
	work := filepath.Join(x.work, "renamed")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	source := newFUSource(t, x.dialect, work, x.m)
	sourceDB := openDatabaseURL(t, source)
	renamed := "dup.case.renamed@example.com"
	pair := x.want.skippedUsers
	if len(pair) != 2 {
		t.Fatalf("the fixture's case duplicates: %d users, want 2", len(pair))
	}
	// The capitalised one, which SQL wrote past FastAPI Users' checks.
	moved := pair[0]
	if moved.Email == strings.ToLower(moved.Email) {
		moved = pair[1]
	}
	q := "UPDATE " + fuUserTable[x.dialect] + " SET email = " + x.placeholder(1) + " WHERE id = " + x.placeholder(2)
	if _, err := sourceDB.Exec(q, renamed, moved.ID); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	r := x.run("--from", source, "--partial")
	if r.code != 0 {
		t.Fatalf("the import after renaming %s: want exit 0\n%s", moved.Email, r)
	}
	if n := r.counts["users"]; n[0] != 2 || n[3] != 0 {
		t.Errorf("the import after renaming %s: users counts %v, want the pair imported and none left out\n%s", moved.Email, n, r)
	}
	for _, u := range pair {
		if u.ID == moved.ID {
			u.Email = renamed
		}
		for _, tok := range x.m.AccessTokens {
			if tok.UserID == u.ID {
				x.me("the access token of "+u.Key+" once the pair is apart", bearerHeader(tok.Token), u)
			}
		}
		for _, j := range x.m.JWTs {
			if j.UserID == u.ID {
				x.me("the FastAPI Users JWT of "+u.Key+" once the pair is apart", bearerHeader(j.Token), u)
			}
		}
	}
	if status, _, body := x.login(renamed, moved.Password); status != http.StatusOK {
		t.Errorf("login of %s with the renamed address: %d %s, want 200", moved.Key, status, body)
	}
}

// databaseTime reads a timestamp as a driver returns it: a time.Time, or
// text in one of the layouts SQLite keeps.
func databaseTime(t *testing.T, v any) time.Time {
	t.Helper()
	switch v := v.(type) {
	case time.Time:
		return v
	case string, []byte:
		s := fmt.Sprint(v)
		if b, ok := v.([]byte); ok {
			s = string(b)
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
			if tm, err := time.Parse(layout, s); err == nil {
				return tm
			}
		}
	}
	t.Fatalf("timestamp %#v: no layout to read it", v)
	return time.Time{}
}

// TestImportFastAPIUsersElsewhere imports the fixture into a service
// that differs from the FastAPI Users app (on SQLite; the checks are of
// the import's rules, not of a database): it has no database backend and
// no OAuth provider, none of the app's custom columns, and a required
// field tier without default that the source lacks. The columns are left
// behind with --skip-column, tier is given with --set, and the tokens and
// OAuth accounts, which the service cannot keep, are listed and, with
// --partial, left behind.
func TestImportFastAPIUsersElsewhere(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs a generated service; run without -short")
	}
	m := loadFUManifest(t)
	want := expectFromManifest(t, m)
	work := t.TempDir()
	authgen := filepath.Join(work, "authgen")
	runIn(t, "..", "go", "build", "-o", authgen, ".")
	app := filepath.Join(work, "app")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	runIn(t, app, "go", "mod", "init", "example.com/elsewhere")
	runIn(t, app, authgen, "init", "--yes", "-q", "--db", "sqlite", "--backend", "bearer-jwt", "--field", "tier:enum[basic,gold]:required")
	server := filepath.Join(work, "authserver")
	runIn(t, app, "go", "build", "-o", server, "./cmd/authserver")
	source := newFUSource(t, "sqlite", work, m)
	x := &fuImport{t: t, m: m, want: want, dialect: "sqlite", server: server, work: work, source: source, usersOnly: true,
		env: []string{"DATABASE_URL=sqlite:" + filepath.Join(work, "auth.db"), "AUTH_SECRET=" + m.JWT.Secret}}
	if stdout, stderr, code := runServer(t, server, x.env, "migrate"); code != 0 {
		t.Fatalf("authserver migrate: exit %d\n%s%s", code, stdout, stderr)
	}
	before := x.snapshotUsers()

	r := x.run("--from", source, "--partial")
	x.refused("import with the custom columns no field takes", 1, before, r, "first_name", "age", "plan")
	skip := []string{"--skip-column", "first_name", "--skip-column", "age", "--skip-column", "plan"}
	r = x.run(append([]string{"--from", source, "--partial"}, skip...)...)
	x.refused("import without a value for the required tier", 1, before, r, "tier", "--set")
	// A value the field refuses: every user is refused for it (a usage
	// error would do too).
	r = x.run(append([]string{"--from", source, "--set", "tier=platinum"}, skip...)...)
	if r.code != 1 && r.code != 2 {
		t.Errorf("import --set tier=platinum: want exit 1 or 2\n%s", r)
	}
	x.refused("import --set tier=platinum", r.code, before, r, "tier", "platinum")

	// Every token and account is listed: the service has no database
	// backend and no provider oidc.
	wantProblems := map[string]bool{}
	for _, u := range want.skippedUsers {
		wantProblems["user "+u.ID] = true
	}
	for _, tok := range m.AccessTokens {
		wantProblems["accesstoken "+shortToken(tok.Token)] = true
	}
	for _, a := range m.OAuthAccounts {
		wantProblems["oauth_account "+a.ID] = true
	}
	args := append([]string{"--from", source, "--set", "tier=gold"}, skip...)
	r = x.run(args...)
	x.refused("import into a service without database tokens and OAuth", 1, before, r)
	for key := range wantProblems {
		if _, ok := r.problems[key]; !ok {
			t.Errorf("import into a service without database tokens and OAuth: no line for %s\n%s", key, r)
		}
	}
	if len(r.problems) != len(wantProblems) {
		t.Errorf("import into a service without database tokens and OAuth: %d problem lines, want %d\n%s", len(r.problems), len(wantProblems), r)
	}

	r = x.run(append(args, "--partial")...)
	if r.code != 0 {
		t.Fatalf("import --partial into a service without database tokens and OAuth: want exit 0\n%s", r)
	}
	x.wantCounts("import --partial into a service without database tokens and OAuth", r,
		[4]int{len(want.users), 0, 0, len(want.skippedUsers)}, [4]int{0, 0, 0, len(m.AccessTokens)}, [4]int{0, 0, 0, len(m.OAuthAccounts)})
	var gold, users int
	if err := x.targetDB().QueryRow("SELECT COUNT(*), SUM(tier = 'gold') FROM users").Scan(&users, &gold); err != nil || users != len(want.users) || gold != users {
		t.Errorf("after the import: %d users, %d of them tier gold (%v); want %d, all gold", users, gold, err, len(want.users))
	}

	// The JWT secret is FastAPI Users': its JWTs work here too, and a
	// password logs in.
	base := startServer(t, server, x.env...)
	x.c, x.base = &api{}, base
	zoe := x.user("zoe")
	status, token, body := x.login(zoe.Email, zoe.Password)
	if status != http.StatusOK {
		t.Fatalf("login of zoe (bcrypt, non-ASCII password): %d %s", status, body)
	}
	for _, header := range []map[string]string{bearerHeader(token), bearerHeader(m.JWTs[0].Token)} {
		status, _, body := x.c.request(t, "GET", base+"/users/me", header, nil)
		if status != http.StatusOK || !strings.Contains(string(body), `"tier":"gold"`) {
			t.Errorf("GET /users/me: %d %s, want 200 with tier gold", status, body)
		}
	}
}

// snapshotUsers is snapshot for a service without access token or
// OAuth tables.
func (x *fuImport) snapshotUsers() string {
	x.t.Helper()
	h := sha256.New()
	rows, err := x.targetDB().Query("SELECT id, email, hashed_password FROM users ORDER BY id")
	if err != nil {
		x.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, b, c string
		if err := rows.Scan(&a, &b, &c); err != nil {
			x.t.Fatal(err)
		}
		fmt.Fprintf(h, "%s|%s|%s\n", a, b, c)
	}
	return hex.EncodeToString(h.Sum(nil))
}
