// Command authserver serves the authentication API of package auth.
//
// authgen scaffolded this file once; it is yours now, and authgen never
// overwrites it. It is configured from the environment:
//
//	AUTH_ADDR           listen address (default :8000)
//	DATABASE_URL        database (default sqlite:auth.db)
//	AUTH_SECRET         secret that signs tokens, at least 32 bytes
//	AUTH_ENV            "production" makes AUTH_SECRET required
//	APP_URL             front end that mailed links open (default http://localhost:8000)
//	SMTP_URL            smtp://user:password@host:587?from=ADDRESS; unset, mail is printed
//	AUTH_COOKIE_SECURE  "false" lets browsers keep the cookie over plain HTTP
//
// Without AUTH_SECRET, outside production, the server makes a random secret
// at start-up: it works at once, and its tokens die when it stops.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"example.com/default/internal/auth"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, logger, os.Getenv); err != nil {
		logger.Error("authserver stopped", "err", err)
		stop()
		os.Exit(1)
	}
}

// settings are what the server reads from its environment.
type settings struct {
	addr        string
	databaseURL string
	appURL      string
	mailer      auth.Mailer
	auth        auth.Config
}

func loadSettings(getenv func(string) string, logger *slog.Logger) (settings, error) {
	s := settings{
		addr:        envOr(getenv, "AUTH_ADDR", ":8000"),
		databaseURL: envOr(getenv, "DATABASE_URL", "sqlite:auth.db"),
		appURL:      envOr(getenv, "APP_URL", "http://localhost:8000"),
		mailer:      &auth.ConsoleMailer{W: os.Stderr},
		auth:        auth.DefaultConfig(),
	}
	if smtpURL := getenv("SMTP_URL"); smtpURL != "" {
		mailer, err := auth.NewSMTPMailer(smtpURL, 10*time.Second)
		if err != nil {
			return settings{}, fmt.Errorf("SMTP_URL: %w", err)
		}
		s.mailer = mailer
	}
	switch secret := getenv("AUTH_SECRET"); {
	case secret != "":
		if len(secret) < auth.MinSecretLength {
			return settings{}, fmt.Errorf("AUTH_SECRET is %d bytes; it must be at least %d (try: openssl rand -hex 32)", len(secret), auth.MinSecretLength)
		}
		s.auth.Secret = []byte(secret)
	case getenv("AUTH_ENV") == "production":
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

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, logger *slog.Logger, getenv func(string) string) error {
	s, err := loadSettings(getenv, logger)
	if err != nil {
		return err
	}
	db, err := auth.OpenDB(ctx, s.databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := auth.Migrate(ctx, db); err != nil {
		return err
	}
	hooks := auth.AppHooks{
		BaseHooks: auth.BaseHooks{Mailer: s.mailer, AppURL: s.appURL},
		Logger:    logger,
	}
	svc, err := auth.New(s.auth, auth.Deps{DB: db, Logger: logger, Hooks: hooks})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	// Your own routes go here, behind the service's authentication when
	// they need it: GET /hello answers the signed-in user, 401 anyone else.
	mux.Handle("GET /hello", svc.RequireUser(http.HandlerFunc(hello)))
	mux.Handle("/", svc)
	srv := &http.Server{
		Addr:              s.addr,
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.ListenAndServe() }()
	logger.Info("listening", "addr", s.addr)

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving on %s: %w", s.addr, err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return svc.Close(shutdownCtx)
}

// hello greets the user RequireUser let through.
func hello(w http.ResponseWriter, r *http.Request) {
	user, _ := auth.UserFromContext(r.Context())
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"message": "Hello, " + user.Email})
}
