package e2e

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authgen/authgen/internal/testservers"
)

// swaggerUIVersion is the swagger-ui-dist the documentation tests serve in
// place of the CDN, which these machines cannot reach: a 5.x, as the
// service's default AUTH_DOCS_ASSETS_URL names.
const swaggerUIVersion = "5.35.0"

// serveSwaggerUI installs swagger-ui-dist from npm into a temporary
// directory and serves it on a loopback port, returning the base URL the
// pages load swagger-ui-bundle.js and swagger-ui.css from: what
// AUTH_DOCS_ASSETS_URL takes.
func serveSwaggerUI(t *testing.T) string {
	t.Helper()
	npm := testservers.Command(t, "npm")
	dir := t.TempDir()
	cmd := exec.Command(npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save", "swagger-ui-dist@"+swaggerUIVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install swagger-ui-dist@%s: %v\n%s", swaggerUIVersion, err, out)
	}
	assets := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(dir, "node_modules", "swagger-ui-dist"))))
	t.Cleanup(assets.Close)
	return assets.URL
}

// browse loads url in headless Chromium, lets its scripts run, and
// returns a screenshot of a 1280×2000 window and the DOM as rendered.
func browse(t *testing.T, url string) (screenshot []byte, dom string) {
	t.Helper()
	chromium := testservers.Command(t, "chromium")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	// --virtual-time-budget lets the page's scripts and fetches settle
	// before the capture; --no-sandbox because the tests run as root.
	args := func(extra ...string) []string {
		return append([]string{
			"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--disable-background-networking", "--hide-scrollbars",
			"--user-data-dir=" + filepath.Join(dir, "profile"),
			"--window-size=1280,2000", "--virtual-time-budget=15000",
		}, append(extra, url)...)
	}
	shot := filepath.Join(dir, "docs.png")
	if out, err := exec.CommandContext(ctx, chromium, args("--screenshot="+shot)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot %s: %v\n%s", url, err, out)
	}
	screenshot, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("chromium --screenshot %s: %v", url, err)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, args("--dump-dom")...)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom %s: %v", url, err)
	}
	return screenshot, out.String()
}

// colours counts the distinct colours of a PNG: a page that failed to
// render (its script or stylesheet not loaded) is one or two flat colours;
// Swagger UI's coloured operations and anti-aliased text are hundreds.
func colours(t *testing.T, screenshot []byte) int {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(screenshot))
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// minColours is the fewest distinct colours a rendered Swagger UI shows.
const minColours = 50

// checkSwaggerUI loads a Swagger UI page in Chromium and checks that it
// rendered: a screenshot that is not blank, and the operations ops
// ("post /auth/register") listed in the rendered DOM, which exist only
// once Swagger UI has loaded the document. The screenshot is kept
// beside the test's log on failure.
func checkSwaggerUI(t *testing.T, pageURL string, ops ...string) {
	t.Helper()
	screenshot, dom := browse(t, pageURL)
	if n := colours(t, screenshot); n < minColours {
		kept := filepath.Join(os.TempDir(), "authgen-docs-"+strings.ReplaceAll(t.Name(), "/", "-")+".png")
		os.WriteFile(kept, screenshot, 0o644)
		t.Errorf("%s looks blank in Chromium: %d colours, want at least %d (screenshot in %s)", pageURL, n, minColours, kept)
	}
	var missing []string
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		if !strings.Contains(dom, `opblock-`+method) || !strings.Contains(dom, `data-path="`+path+`"`) {
			missing = append(missing, op)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s rendered in Chromium lists none of %q; DOM:\n%.2000s", pageURL, missing, dom)
	}
	if strings.Contains(dom, "Failed to load API definition") {
		t.Errorf("%s in Chromium: Swagger UI failed to load the API definition", pageURL)
	}
}

// swaggerUIPage is Swagger UI's page as FastAPI serves it at /docs,
// loading its assets from assets and the document from specURL.
func swaggerUIPage(assets, specURL string) string {
	return `<!DOCTYPE html>
<html>
<head>
<link type="text/css" rel="stylesheet" href="` + assets + `/swagger-ui.css">
<title>API docs</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="` + assets + `/swagger-ui-bundle.js"></script>
<script>
const ui = SwaggerUIBundle({url: '` + specURL + `', dom_id: '#swagger-ui', layout: 'BaseLayout', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]})
</script>
</body>
</html>
`
}

// TestSwaggerUIInChromium checks the browser pipeline of the end-to-end
// documentation check on what exists without the service's routes: a
// FastAPI-style /docs page for FastAPI Users' own document, with
// swagger-ui-dist from npm served from another origin, as the service's
// pages load it from AUTH_DOCS_ASSETS_URL.
func TestSwaggerUIInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("installs swagger-ui-dist and runs Chromium; run without -short")
	}
	spec, err := os.ReadFile(filepath.Join("testdata", "fastapi-users-openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	assets := serveSwaggerUI(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(spec)
	})
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(swaggerUIPage(assets, "/openapi.json")))
	})
	site := httptest.NewServer(mux)
	defer site.Close()
	checkSwaggerUI(t, site.URL+"/docs", "post /auth/register", "post /auth/jwt/login", "get /users/me", "get /auth/oidc/authorize")

	// The same page without its assets, as a browser that cannot reach
	// the CDN shows it, must fail the check.
	blank := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(swaggerUIPage("http://127.0.0.1:1", site.URL+"/openapi.json")))
	}))
	defer blank.Close()
	screenshot, dom := browse(t, blank.URL)
	if n := colours(t, screenshot); n >= minColours || strings.Contains(dom, "opblock") {
		t.Errorf("a Swagger UI page without its assets: %d colours, want fewer than %d and no operations", n, minColours)
	}
}
