// Command authserver serves the authentication API of package auth.
// Its commands and the environment it reads are in usage below, which
// authserver --help prints.
//
// authgen scaffolded this file once; it is yours now, and authgen never
// overwrites it.
//
// Without AUTH_SECRET, outside production, the server makes a random secret
// at start-up: it works at once, and its tokens die when it stops.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"example.com/default/internal/auth"
)

// usage is what --help prints: the commands auth.ParseCommand parses,
// openapi, and the environment loadSettings reads.
const usage = `Usage: authserver [command]

Commands:
  serve                          serve the API on AUTH_ADDR (the default)
  migrate                        bring the database schema up to date, and exit
  createsuperuser --email EMAIL  make the user EMAIL a superuser; if there is
                                 none, create it with the password in
                                 AUTH_SUPERUSER_PASSWORD (asked on a terminal
                                 when the variable is unset)
  openapi                        print the service's OpenAPI document, and exit
  import-fastapi-users --from URL
                                 copy the users, access tokens and OAuth
                                 accounts of a FastAPI Users database (see
                                 import-fastapi-users --help)
  help                           print this help (also -h, --help)

Every command but openapi and import-fastapi-users --dry-run first brings the
database schema up to date.

Environment:
  AUTH_ADDR                listen address (default :8000)
  DATABASE_URL             database (default sqlite:auth.db)
  DATABASE_MAX_CONNS       most database connections open at once (default: one
                           per core, at least 4); further queries wait for one
  DATABASE_MAX_IDLE_CONNS  connections kept open while unused, 0 to
                           DATABASE_MAX_CONNS (default: DATABASE_MAX_CONNS)
  DATABASE_CONN_MAX_IDLE_TIME
                           close a connection unused this long, such as 90s or
                           10m; 0 keeps it (default 3m)
  AUTH_SECRET              secret that signs tokens, at least 32 bytes (default:
                           a random one, so tokens end when the server stops)
  AUTH_ENV                 production or development (the default); production
                           makes AUTH_SECRET, SMTP_URL and APP_URL required
  AUTH_SHUTDOWN_TIMEOUT    how long requests may finish after SIGTERM or Ctrl-C
                           before they are cut off (default 10s)
  APP_URL                  front end that mailed links open (default http://localhost:8000)
  SMTP_URL                 smtp://user:password@host:587?from=ADDRESS; unset, mail is printed
  AUTH_COOKIE_SECURE       "false" lets browsers keep the cookie over plain HTTP
  AUTH_SUPERUSER_PASSWORD  createsuperuser: the password of the user it creates,
                           or the new password of the user it promotes
  AUTH_DOCS_ASSETS_URL     base URL /docs loads Swagger UI's files from (default
                           https://cdn.jsdelivr.net/npm/swagger-ui-dist@5)
  AUTH_REDOC_ASSETS_URL    the script /redoc loads ReDoc from (default https://
                           cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js)
`

func main() {
	// openapi needs no settings and no database; it is not one of
	// ParseCommand's commands, so that a server whose main.go predates it
	// refuses it rather than serve.
	if len(os.Args) == 2 && os.Args[1] == "openapi" {
		if err := auth.WriteOpenAPI(os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "authserver: %v\n", err)
			os.Exit(1)
		}
		return
	}
	command, help, err := parseCommand(os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Print(help)
		return
	case err != nil:
		fmt.Fprintf(os.Stderr, "authserver: %v\n\n%s", err, help)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(context.Background(), logger, command, os.Getenv, os.Stdin); err != nil {
		logger.Error("authserver stopped", "err", err)
		os.Exit(1)
	}
}

// parseCommand parses the server's arguments, without the program name,
// and returns the command with the help to print for it.
// import-fastapi-users is not one of auth.ParseCommand's commands, so
// that a server whose main.go predates it refuses it rather than serve.
func parseCommand(args []string) (auth.Command, string, error) {
	if len(args) > 0 && args[0] == auth.ImportCommandName {
		opts, err := auth.ParseImportCommand(args[1:])
		return auth.Command{Name: auth.ImportCommandName, Import: opts}, auth.ImportUsage, err
	}
	command, err := auth.ParseCommand(args)
	return command, usage, err
}

// settings are what the server reads from its environment.
type settings struct {
	addr        string
	databaseURL string
	pool        auth.PoolConfig
	appURL      string
	mailer      auth.Mailer
	auth        auth.Config
	// shutdownTimeout bounds how long requests may finish once the server
	// is told to stop.
	shutdownTimeout time.Duration
}

func loadSettings(getenv func(string) string, logger *slog.Logger) (settings, error) {
	s := settings{
		addr:        envOr(getenv, "AUTH_ADDR", ":8000"),
		databaseURL: envOr(getenv, "DATABASE_URL", "sqlite:auth.db"),
		pool:        auth.DefaultPoolConfig(),
		appURL:      envOr(getenv, "APP_URL", "http://localhost:8000"),
		mailer:      &auth.ConsoleMailer{W: os.Stderr},
		auth:        auth.DefaultConfig(),
	}
	s.auth.Docs.SwaggerUIURL = envOr(getenv, "AUTH_DOCS_ASSETS_URL", s.auth.Docs.SwaggerUIURL)
	s.auth.Docs.RedocURL = envOr(getenv, "AUTH_REDOC_ASSETS_URL", s.auth.Docs.RedocURL)
	if err := loadPool(getenv, &s.pool); err != nil {
		return settings{}, err
	}
	var production bool
	switch strings.ToLower(strings.TrimSpace(getenv("AUTH_ENV"))) {
	case "", "development":
	case "production":
		production = true
	default:
		// A misspelt production must not run as development.
		return settings{}, fmt.Errorf("AUTH_ENV=%q: use production or development, or leave it unset", getenv("AUTH_ENV"))
	}
	s.shutdownTimeout = 10 * time.Second
	if v := getenv("AUTH_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return settings{}, fmt.Errorf("AUTH_SHUTDOWN_TIMEOUT=%q: want a positive duration, such as 10s", v)
		}
		s.shutdownTimeout = d
	}
	switch smtpURL := getenv("SMTP_URL"); {
	case smtpURL != "":
		mailer, err := auth.NewSMTPMailer(smtpURL, 10*time.Second)
		if err != nil {
			return settings{}, fmt.Errorf("SMTP_URL: %w", err)
		}
		s.mailer = mailer
	case production:
		// Printed mail would put reset links in the logs.
		return settings{}, errors.New("SMTP_URL is required when AUTH_ENV=production: smtp://user:password@host:587?from=ADDRESS")
	}
	if production && getenv("APP_URL") == "" {
		return settings{}, errors.New("APP_URL, the front end that mailed links open, is required when AUTH_ENV=production")
	}
	switch secret := getenv("AUTH_SECRET"); {
	case secret != "":
		if len(secret) < auth.MinSecretLength {
			return settings{}, fmt.Errorf("AUTH_SECRET is %d bytes; it must be at least %d (try: openssl rand -hex 32)", len(secret), auth.MinSecretLength)
		}
		s.auth.Secret = []byte(secret)
	case production:
		return settings{}, errors.New("AUTH_SECRET is required when AUTH_ENV=production (try: openssl rand -hex 32)")
	default:
		s.auth.Secret = make([]byte, 32)
		if _, err := rand.Read(s.auth.Secret); err != nil {
			return settings{}, fmt.Errorf("making a development secret: %w", err)
		}
		logger.Warn("AUTH_SECRET is not set: using a random secret, so tokens end when the server stops; set AUTH_SECRET (and AUTH_ENV=production) in production")
	}
	if v := getenv("AUTH_COOKIE_SECURE"); v != "" {
		secure, err := strconv.ParseBool(v)
		if err != nil {
			return settings{}, fmt.Errorf("AUTH_COOKIE_SECURE=%q: want true or false", v)
		}
		s.auth.Cookie.Secure = secure
	}
	return s, nil
}

// loadPool sets what the environment sets of the database pool. Unless
// DATABASE_MAX_IDLE_CONNS says otherwise, every connection stays open while
// unused: closing one only for the next burst to open another would leave
// sockets in TIME-WAIT.
func loadPool(getenv func(string) string, pool *auth.PoolConfig) error {
	if v := getenv("DATABASE_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("DATABASE_MAX_CONNS=%q: want a whole number of connections, at least 1", v)
		}
		pool.MaxConns, pool.MaxIdleConns = n, n
	}
	if v := getenv("DATABASE_MAX_IDLE_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > pool.MaxConns {
			return fmt.Errorf("DATABASE_MAX_IDLE_CONNS=%q: want a whole number from 0 to DATABASE_MAX_CONNS (%d)", v, pool.MaxConns)
		}
		pool.MaxIdleConns = n
	}
	if v := getenv("DATABASE_CONN_MAX_IDLE_TIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("DATABASE_CONN_MAX_IDLE_TIME=%q: want a duration such as 90s or 10m, or 0 to keep idle connections", v)
		}
		pool.ConnMaxIdleTime = d
	}
	return nil
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}

// run runs command. Every command first brings the database schema up to
// date.
func run(ctx context.Context, logger *slog.Logger, command auth.Command, getenv func(string) string, stdin *os.File) error {
	s, err := loadSettings(getenv, logger)
	if err != nil {
		return err
	}
	db, err := auth.OpenDB(ctx, s.databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := s.pool.Apply(db); err != nil {
		return err
	}
	if command.Name == auth.ImportCommandName && command.Import.DryRun {
		// A dry run writes nothing, not even the schema.
		if err := auth.CheckMigrated(ctx, db); err != nil {
			return err
		}
	} else if err := auth.Migrate(ctx, db); err != nil {
		return err
	}
	deps := auth.Deps{DB: db, Logger: logger}
	switch command.Name {
	case "migrate":
		logger.Info("the database schema is up to date")
		return nil
	case "createsuperuser":
		return createSuperuser(ctx, logger, s, deps, command.Email, getenv, stdin)
	case auth.ImportCommandName:
		return importFastAPIUsers(ctx, s, deps, command.Import)
	}
	return serve(ctx, logger, s, deps)
}

// importFastAPIUsers copies a FastAPI Users database into the service's,
// listing what it cannot move and the counts on stdout, and its progress
// on stderr.
func importFastAPIUsers(ctx context.Context, s settings, deps auth.Deps, opts auth.FastAPIUsersImport) error {
	source, err := auth.OpenSourceDB(ctx, opts.From)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer source.Close()
	svc, err := newService(s, deps)
	if err != nil {
		return err
	}
	return svc.ImportFastAPIUsers(ctx, source, opts, os.Stdout, os.Stderr)
}

// newService returns the authentication service with the hooks of
// hooks.go.
func newService(s settings, deps auth.Deps) (*auth.Service, error) {
	deps.Hooks = auth.AppHooks{
		BaseHooks: auth.BaseHooks{Mailer: s.mailer, AppURL: s.appURL},
		Logger:    deps.Logger,
	}
	return auth.New(s.auth, deps)
}

// createSuperuser promotes or creates the user of email.
func createSuperuser(ctx context.Context, logger *slog.Logger, s settings, deps auth.Deps, email string, getenv func(string) string, stdin *os.File) error {
	password := getenv("AUTH_SUPERUSER_PASSWORD")
	if password == "" && term.IsTerminal(int(stdin.Fd())) {
		fmt.Fprint(os.Stderr, "Password (empty keeps an existing user's): ")
		typed, err := term.ReadPassword(int(stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return fmt.Errorf("reading the password: %w", err)
		}
		password = string(typed)
	}
	svc, err := newService(s, deps)
	if err != nil {
		return err
	}
	user, created, err := svc.CreateSuperuser(ctx, email, password)
	if errors.Is(err, auth.ErrPasswordRequired) {
		return fmt.Errorf("%w: set AUTH_SUPERUSER_PASSWORD, or type it at the prompt on a terminal", err)
	}
	if err != nil {
		return err
	}
	if created {
		logger.Info("superuser created", "email", user.Email, "id", user.ID)
	} else {
		logger.Info("user promoted to superuser", "email", user.Email, "id", user.ID)
	}
	return nil
}

// serve serves until ctx ends or the process is interrupted or
// terminated, then shuts down gracefully. (Only serve catches the signals:
// Ctrl-C at createsuperuser's prompt ends it at once.)
func serve(ctx context.Context, logger *slog.Logger, s settings, deps auth.Deps) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	svc, err := newService(s, deps)
	if err != nil {
		return err
	}
	// A server that cannot reach what it needs says so now, not at the
	// first request.
	if err := svc.Ready(ctx); err != nil {
		return fmt.Errorf("not ready to serve: %w", err)
	}

	mux := http.NewServeMux()
	// Your own routes go here, behind the service's authentication when
	// they need it: GET /hello answers the signed-in user, 401 anyone else.
	// The service also answers GET /healthz (the process is up) and
	// GET /readyz (the database answers).
	mux.Handle("GET /hello", svc.RequireUser(http.HandlerFunc(hello)))
	mux.Handle("/", svc)
	srv := &http.Server{
		// One log line per request, without its tokens or passwords.
		Handler:           auth.AccessLog(logger, mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Longer than the service's RequestTimeout, so that a request that
		// runs out of time still gets its 503.
		WriteTimeout: 30 * time.Second,
		// A kept-alive connection that sends nothing is closed soon: each
		// holds a goroutine and a file descriptor.
		IdleTimeout:    30 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
	// Bound first, so that "listening" is true when logged and names the
	// port taken, such as the one :0 picks.
	listener, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.addr, err)
	}
	addr := listener.Addr().String()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()
	logger.Info("listening", "addr", addr)

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving on %s: %w", addr, err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if errors.Is(shutdownErr, context.DeadlineExceeded) {
		// A slow or stalled client does not keep the server from stopping,
		// nor make the stop a failure.
		logger.Warn("requests still running were cut off", "after", s.shutdownTimeout)
		shutdownErr = srv.Close()
	}
	// Mail still being sent gets a budget of its own.
	closeCtx, cancelClose := context.WithTimeout(context.Background(), time.Minute)
	defer cancelClose()
	return errors.Join(shutdownErr, svc.Close(closeCtx))
}

// hello greets the user RequireUser let through.
func hello(w http.ResponseWriter, r *http.Request) {
	user, _ := auth.UserFromContext(r.Context())
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"message": "Hello, " + user.Email})
}
