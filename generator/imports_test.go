package generator

import (
	"bytes"
	"go/format"
	"strings"
	"testing"
)

func TestFormatGo(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
	}{{
		name: "unused imports go, versioned and go- paths stay",
		src: `package p
import (
	"fmt"
	"os"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"example.com/app/internal/auth"
)
var _ = fmt.Sprint(redis.Nil, jwt.ErrTokenExpired, auth.New)
`,
		want: `package p

import (
	"fmt"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"

	"example.com/app/internal/auth"
)

var _ = fmt.Sprint(redis.Nil, jwt.ErrTokenExpired, auth.New)
`,
	}, {
		name: "a sibling module is not the module's own",
		src: `package p
import (
	"example.com/application/x"

	"example.com/app"
)
var _, _ = app.A, x.B
`,
		want: `package p

import (
	"example.com/application/x"

	"example.com/app"
)

var _, _ = app.A, x.B
`,
	}, {
		name: "a local variable does not use a package of its name",
		src: `package p
import (
	"net/url"
	"strings"
)
func f(url *struct{ Host string }) string { return strings.ToLower(url.Host) }
`,
		want: `package p

import (
	"strings"
)

func f(url *struct{ Host string }) string { return strings.ToLower(url.Host) }
`,
	}, {
		name: "named, blank and dot imports",
		src: `package p
import (
	_ "embed"
	unused "os"
	. "strings"

	gosmtp "github.com/emersion/go-smtp"
)
var _, _ = gosmtp.ErrAuthRequired, ToLower
`,
		want: `package p

import (
	_ "embed"
	. "strings"

	gosmtp "github.com/emersion/go-smtp"
)

var _, _ = gosmtp.ErrAuthRequired, ToLower
`,
	}, {
		name: "no import used, no declaration left",
		src: `// Package p.
package p

import "os"

import (
	"fmt"
)

// F is.
func F() {}
`,
		want: `// Package p.
package p

// F is.
func F() {}
`,
	}} {
		t.Run(c.name, func(t *testing.T) {
			got, err := formatGo([]byte(c.src), "example.com/app")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// TestFormatGoRefusesMisgroupedImports checks that a template listing
// its imports out of goimports' groups is an error, not a file whose
// imports stay mis-grouped once the unused ones are gone.
func TestFormatGoRefusesMisgroupedImports(t *testing.T) {
	for name, imports := range map[string]string{
		"a module among the standard library": "\"fmt\"\n\t\"golang.org/x/term\"\n\t\"os\"",
		"no blank line between groups":        "\"fmt\"\n\t\"golang.org/x/term\"",
		"a blank line inside a group":         "\"fmt\"\n\n\t\"os\"",
		"the module's own before others":      "\"example.com/app/x\"\n\n\t\"golang.org/x/term\"",
	} {
		src := "package p\n\nimport (\n\t" + imports + "\n)\n"
		if _, err := formatGo([]byte(src), "example.com/app"); err == nil || !strings.Contains(err.Error(), "is not in its goimports group") {
			t.Errorf("%s: err = %v, want a refusal", name, err)
		}
	}
}

func TestAssumedPackageName(t *testing.T) {
	for path, want := range map[string]string{
		"fmt":                          "fmt",
		"net/http":                     "http",
		"github.com/redis/go-redis/v9": "redis",
		"github.com/jackc/pgx/v5":      "pgx",
		"gopkg.in/yaml.v3":             "yaml",
		"example.com/app/internal/v2x": "v2x",
	} {
		if got := assumedPackageName(path); got != want {
			t.Errorf("assumedPackageName(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestGoldenGoFilesAreGofmted checks every Go file of every golden tree
// against gofmt itself: formatGo prints with gofmt's settings but not
// through go/format, to parse each file once.
func TestGoldenGoFilesAreGofmted(t *testing.T) {
	for _, c := range goldenCases(t) {
		tree := readTree(t, c.dir)
		for p, data := range tree {
			if !strings.HasSuffix(p, ".go") {
				continue
			}
			formatted, err := format.Source(data)
			if err != nil {
				t.Errorf("golden/%s/%s: %v", c.name, p, err)
			} else if !bytes.Equal(formatted, data) {
				t.Errorf("golden/%s/%s is not as gofmt formats it:\n%s", c.name, p, firstDifference(data, formatted))
			}
		}
	}
}
