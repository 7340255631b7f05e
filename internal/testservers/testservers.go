// Package testservers gives authgen's own tests the PostgreSQL, MariaDB
// and Redis servers that scripts/services starts and names in the
// environment.
package testservers

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"testing"

	// The drivers NewDatabase administers the servers with.
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// The environment variables scripts/services prints.
const (
	PostgresEnv = "AUTH_TEST_POSTGRES_URL"
	MySQLEnv    = "AUTH_TEST_MYSQL_URL"
	RedisEnv    = "AUTH_TEST_REDIS_URL"
)

// URL returns the URL of a test server from the environment variable env.
// Without it the test is skipped on a developer's machine and fails in CI
// (where CI is set), which must provide the server.
func URL(t testing.TB, env string) string {
	t.Helper()
	u := os.Getenv(env)
	if u == "" {
		msg := env + ` is not set: start PostgreSQL, MariaDB and Redis with eval "$(scripts/services)" (as root)`
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// Command returns the path of the program name, which scripts/browser
// installs for CI. Without it the test is skipped on a developer's machine,
// saying how to install it, and fails in CI (where CI is set), whose
// scripts must install it.
func Command(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		msg := name + " is not installed: install it with scripts/browser (as root), which runs apt-get install chromium npm"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// NewDatabase creates a database with a new name on the server of env
// (PostgresEnv or MySQLEnv), drops it when t ends, and returns the
// server's URL pointed at it. Connections to it must be closed by then:
// cleanups registered after this call run before the drop.
func NewDatabase(t testing.TB, env string) string {
	t.Helper()
	serverURL := URL(t, env)
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	driver, dsn := "pgx", serverURL
	if env == MySQLEnv {
		password, _ := u.User.Password()
		driver, dsn = "mysql", fmt.Sprintf("%s:%s@tcp(%s)/", u.User.Username(), password, u.Host)
	}
	admin, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	t.Cleanup(func() { admin.Close() })

	b := make([]byte, 6)
	rand.Read(b)
	name := "authgen_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating database %s on %s: %v", name, env, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("dropping database %s on %s: %v", name, env, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
