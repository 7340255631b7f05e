package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/authgen/authgen/internal/testservers"
)

// tryRegisterInBrowser does in headless Chromium what a user does on the
// Swagger UI page at docsURL: opens POST /auth/register, clicks "Try it
// out", replaces the body Swagger UI filled in with body, clicks
// "Execute", and returns the status the page then shows.
func tryRegisterInBrowser(t *testing.T, docsURL, body string) string {
	t.Helper()
	chromium := testservers.Command(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 2000))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	// The operation's block, found by its path: Swagger UI's element ids
	// are built from operationIds with characters a selector must escape.
	op := `//div[contains(concat(" ", @class, " "), " opblock-post ")][.//*[@data-path="/auth/register"]]`
	var status string
	err := chromedp.Run(ctx,
		chromedp.Navigate(docsURL),
		chromedp.WaitVisible(op, chromedp.BySearch),
		chromedp.Click(op+`//*[contains(@class, "opblock-summary-control") or contains(@class, "opblock-summary-path")]`, chromedp.BySearch),
		chromedp.WaitVisible(op+`//button[contains(@class, "try-out__btn")]`, chromedp.BySearch),
		chromedp.Click(op+`//button[contains(@class, "try-out__btn")]`, chromedp.BySearch),
		chromedp.WaitVisible(op+`//textarea[contains(@class, "body-param__text")]`, chromedp.BySearch),
		chromedp.Evaluate(replaceText(op+`//textarea[contains(@class, "body-param__text")]`, body), nil),
		chromedp.Click(op+`//button[contains(@class, "execute")]`, chromedp.BySearch),
		chromedp.WaitVisible(op+`//table[contains(@class, "live-responses-table")]/tbody/tr/td[contains(@class, "response-col_status")]`, chromedp.BySearch),
		chromedp.Text(op+`//table[contains(@class, "live-responses-table")]/tbody/tr/td[contains(@class, "response-col_status")]`, &status, chromedp.BySearch),
	)
	if err != nil {
		t.Fatalf("Try it out on POST /auth/register at %s in Chromium: %v", docsURL, err)
	}
	return strings.TrimSpace(status)
}

// replaceText returns the script that replaces the text of the textarea
// at xpath with text as typing does: Swagger UI's React keeps its own
// copy of the value, which only an input event after the element's own
// value setter updates.
func replaceText(xpath, text string) string {
	quote := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	return `(() => {
	const el = document.evaluate(` + quote(xpath) + `, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
	Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(el, ` + quote(text) + `);
	el.dispatchEvent(new Event("input", {bubbles: true}));
})()`
}
