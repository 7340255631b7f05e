package generator

import (
	"fmt"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/authgen/authgen/spec"
)

// Requirement is a module the generated code imports, at the version
// authgen was tested with.
type Requirement struct {
	Path    string
	Version string
	// Driver is set for a database driver, which only the specs whose
	// dialect uses it require; Strategy, when set, limits the requirement
	// to specs with a backend with that strategy.
	Driver   bool
	Strategy string
	// OAuth limits the requirement to specs with OAuth providers.
	OAuth bool
}

// requirements is the one table of the generated code's dependencies.
// Versions change only here, deliberately, and never by `go get -u`.
var requirements = []Requirement{
	// The generated tests deliver mail to a real SMTP server of this module.
	{Path: "github.com/coreos/go-oidc/v3", Version: "v3.21.0", OAuth: true},
	{Path: "github.com/emersion/go-smtp", Version: "v0.25.1"},
	{Path: "github.com/golang-jwt/jwt/v5", Version: "v5.3.1"},
	{Path: "github.com/go-sql-driver/mysql", Version: "v1.10.1", Driver: true},
	{Path: "github.com/google/uuid", Version: "v1.6.0"},
	{Path: "github.com/jackc/pgx/v5", Version: "v5.12.0", Driver: true},
	{Path: "github.com/pressly/goose/v3", Version: "v3.29.0"},
	{Path: "github.com/redis/go-redis/v9", Version: "v9.23.0", Strategy: "redis"},
	{Path: "golang.org/x/crypto", Version: "v0.58.0"},
	{Path: "golang.org/x/net", Version: "v0.62.0"},
	{Path: "golang.org/x/oauth2", Version: "v0.38.0", OAuth: true},
	{Path: "golang.org/x/term", Version: "v0.47.0"},
	{Path: "golang.org/x/text", Version: "v0.43.0"},
	// v1.61 requires a github.com/google/pprof version that the Go module
	// proxy does not serve, which breaks `go mod tidy`.
	{Path: "modernc.org/sqlite", Version: "v1.60.1", Driver: true},
}

// requirementsOf returns the modules the code generated for s, on
// dialect d, imports.
func requirementsOf(s spec.Spec, d dialect) []Requirement {
	var out []Requirement
	for _, r := range requirements {
		if (!r.Driver || r.Path == d.driver) && (r.Strategy == "" || s.UsesStrategy(r.Strategy)) && (!r.OAuth || len(s.OAuth) > 0) {
			out = append(out, r)
		}
	}
	return out
}

// AddRequirements returns go.mod content that requires every module of
// reqs at least at its pinned version. A newer version already required is
// kept. The result is nil when nothing changes.
func AddRequirements(gomod []byte, reqs []Requirement) ([]byte, error) {
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, fmt.Errorf("parsing go.mod: %w", err)
	}
	have := map[string]string{}
	for _, r := range f.Require {
		have[r.Mod.Path] = r.Mod.Version
	}
	changed := false
	for _, r := range reqs {
		if v, ok := have[r.Path]; ok && semver.Compare(v, r.Version) >= 0 {
			continue
		}
		if err := f.AddRequire(r.Path, r.Version); err != nil {
			return nil, fmt.Errorf("requiring %s %s: %w", r.Path, r.Version, err)
		}
		changed = true
	}
	if !changed {
		return nil, nil
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return nil, fmt.Errorf("formatting go.mod: %w", err)
	}
	return out, nil
}

// ModulePath returns the module path declared in go.mod content.
func ModulePath(gomod []byte) (string, error) {
	path := modfile.ModulePath(gomod)
	if path == "" {
		return "", fmt.Errorf("go.mod declares no module path")
	}
	return path, nil
}
