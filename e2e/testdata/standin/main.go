// Command standin stands in for the generated authserver in the tests of
// the end-to-end OpenAPI checks, until the service serves its document:
// it serves the document named by STANDIN_OPENAPI at /openapi.json, prints
// it for `standin openapi`, serves /docs and /redoc loading their assets
// from AUTH_DOCS_ASSETS_URL, registers users, and logs as authserver does
// where the tests wait for it.
package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
)

func main() {
	spec, err := os.ReadFile(os.Getenv("STANDIN_OPENAPI"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(os.Args) > 1 && os.Args[1] == "openapi" {
		os.Stdout.Write(spec)
		return
	}
	assets := os.Getenv("AUTH_DOCS_ASSETS_URL")
	if assets == "" {
		assets = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(spec)
	})
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><link rel="stylesheet" href="%[1]s/swagger-ui.css"><title>docs</title></head>
<body><div id="swagger-ui"></div><script src="%[1]s/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", presets: [SwaggerUIBundle.presets.apis]})</script></body></html>`, assets)
	})
	mux.HandleFunc("GET /redoc", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><body><redoc spec-url="/openapi.json"></redoc></body></html>`)
	})
	mux.HandleFunc("POST /auth/register", func(w http.ResponseWriter, r *http.Request) {
		var u struct{ Email, Password string }
		w.Header().Set("Content-Type", "application/json")
		if json.NewDecoder(r.Body).Decode(&u) != nil || !strings.Contains(u.Email, "@") || u.Password == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"detail": []}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "email": u.Email, "is_active": true, "is_superuser": false, "is_verified": false})
	})
	mux.HandleFunc("GET /users/me", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"detail": "Unauthorized"}`)
	})
	addr := os.Getenv("AUTH_ADDR")
	log.Info("listening", "addr", addr)
	err = http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status)
	}))
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// statusRecorder keeps the status of an answer for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
