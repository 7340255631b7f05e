//go:build linux

package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"

	"github.com/authgen/authgen/spec"
)

// TestInitOnTerminal runs init on a pseudo-terminal and answers survey's
// real prompts with keys: arrows, space, enter, ? and text. Ctrl-C at a
// prompt must end init with ExitError and write nothing.
func TestInitOnTerminal(t *testing.T) {
	t.Run("answers", func(t *testing.T) {
		dir := newModule(t)
		c := startOnTerminal(t, "init", dir, "--no-tidy")
		c.expect("Database")
		c.keys("\x1b[B\r") // sqlite, then postgres
		c.expect("Auth backends")
		c.keys("?")
		c.expect("Transport, how the client carries the token:")
		c.keys(" \x1b[B \r") // bearer-jwt off, bearer-database on; cookie-jwt stays
		c.expect("OAuth providers users may log in with")
		c.keys("?")
		c.expect("any OpenID Connect provider (Keycloak")
		c.keys(" \r") // oidc; none is chosen at first
		c.expect("Name of the OpenID Connect provider")
		c.line("db")
		c.expect(`"/auth/db" is taken by backend db`)
		c.line("corp")
		c.expect("Add a custom user field?")
		c.line("y")
		c.expect("Name of the field")
		c.line("Plan")
		c.expect(`field name "Plan" must be snake_case`)
		c.line("plan")
		c.expect("Type of plan")
		c.keys("\x1b[A\r") // string, then up to the last: enum
		c.expect("Values of plan")
		c.line("free, pro")
		c.expect("Is plan required")
		c.line("y")
		c.expect("Default of plan (enter nothing for none)")
		c.line("?")
		c.expect("one of free, pro")
		c.line("free")
		c.expect("Add another custom user field?")
		c.line("")
		c.expect("Directory of the generated package")
		c.line("")
		c.expect("Directory of the server")
		c.line("")
		code, stderr := c.wait()
		if code != ExitOK {
			t.Fatalf("exit %d: %s\n%s", code, stderr, c.term)
		}
		want := spec.DefaultSpec()
		want.Database = "postgres"
		want.Backends = []spec.Backend{{Name: "db", Transport: "bearer", Strategy: "database"}, {Name: "cookie", Transport: "cookie", Strategy: "jwt"}}
		free := "free"
		want.Fields = []spec.Field{{Name: "plan", Type: "enum", Values: []string{"free", "pro"}, Required: true, Default: &free}}
		want.OAuth = []spec.OAuthProvider{spec.NewOAuthProvider("corp", "oidc", want.Backends)}
		if got := readSpec(t, dir); !reflect.DeepEqual(got, want) {
			t.Errorf("spec = %+v\nwant %+v", got, want)
		}
		c.expect("authgen init --db postgres --backend bearer-database --backend cookie-jwt --oauth oidc:corp --field 'plan:enum[free,pro]:required:default=free' --package internal/auth --server cmd/authserver --yes")
	})
	t.Run("ctrl-c", func(t *testing.T) {
		dir := newModule(t)
		before := readAll(t, dir)
		c := startOnTerminal(t, "init", dir, "--no-tidy")
		c.expect("Database")
		c.keys("\x03")
		code, stderr := c.wait()
		if code != ExitError || stderr != "authgen: asking: interrupted by Ctrl-C; nothing was written\n" {
			t.Errorf("exit %d: %q", code, stderr)
		}
		if after := readAll(t, dir); !reflect.DeepEqual(before, after) {
			t.Errorf("an interrupted init changed the directory: %d files before, %d after", len(before), len(after))
		}
	})
}

// terminalTimeout bounds each wait for the prompts: far longer than they
// take, so that a slow machine fails no test, yet a test that waits for
// what never comes ends.
const terminalTimeout = time.Minute

// terminalConsole is a terminal that a test types on: authgen runs on a
// pseudo-terminal whose output a vt10x emulator draws.
//
// survey asks the terminal where its cursor is before it reads a line, and
// reads the answer with a buffer of its own, losing any keys that follow
// the answer in that buffer. So the emulator's answers to those questions
// are held back until the test has the line to type, which then goes out
// just before the answer: survey keeps what comes before it. Its other
// question, the size of the terminal (the cursor sent to the bottom right
// corner first), is answered at once: no keys follow it before the line's
// own question.
type terminalConsole struct {
	t         *testing.T
	ptmx, tty *os.File
	term      vt10x.Terminal
	stderr    bytes.Buffer
	done      chan int // the exit code, when authgen has ended

	mu      sync.Mutex
	out     []byte // all output, escape sequences included
	seen    int    // the end of the output expect has matched
	held    []byte // the answers survey waits for
	changed chan struct{}
}

const terminalCols, terminalRows = 200, 60

// startOnTerminal runs authgen with args on a new pseudo-terminal.
func startOnTerminal(t *testing.T, args ...string) *terminalConsole {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: terminalCols, Rows: terminalRows}); err != nil {
		t.Fatal(err)
	}
	c := &terminalConsole{t: t, ptmx: ptmx, tty: tty, done: make(chan int, 1), changed: make(chan struct{}, 1)}
	c.term = vt10x.New(vt10x.WithSize(terminalCols, terminalRows), vt10x.WithWriter(cursorReports{c}))
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			c.mu.Lock()
			c.out = append(c.out, buf[:n]...)
			c.term.Write(buf[:n])
			c.mu.Unlock()
			c.signal()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		code := Execute(context.Background(), args, Env{Stdin: tty, Stdout: tty, Stderr: &c.stderr, Interactive: true, Version: "test"})
		// With the terminal closed, the reader reads what is left of the
		// output and ends: once done says authgen has ended, the output
		// is complete.
		tty.Close()
		<-readerDone
		c.done <- code
	}()
	// A test that fails while authgen waits for a key ends it, by closing
	// the terminal under it.
	t.Cleanup(func() {
		tty.Close()
		ptmx.Close()
	})
	return c
}

func (c *terminalConsole) signal() {
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// cursorReports receives the emulator's answers to cursor position
// questions; it runs inside term.Write, with c.mu held.
type cursorReports struct{ c *terminalConsole }

func (r cursorReports) Write(p []byte) (int, error) {
	if string(p) == fmt.Sprintf("\x1b[%d;%dR", terminalRows, terminalCols) {
		return r.c.ptmx.Write(p)
	}
	r.c.held = append(r.c.held, p...)
	return len(p), nil
}

// waitFor waits until cond, checked with c.mu held, is true.
func (c *terminalConsole) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.After(terminalTimeout)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		c.mu.Lock()
		ok := cond()
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-c.changed:
		case <-poll.C:
		case code := <-c.done:
			c.done <- code
			c.t.Fatalf("authgen ended (exit %d, %s) while waiting for %s; screen:\n%s", code, c.stderr.String(), what, c.term)
		case <-deadline:
			c.t.Fatalf("no %s after %v; screen:\n%s", what, terminalTimeout, c.term)
		}
	}
}

// expect waits for text in the output that follows the last text
// expected.
func (c *terminalConsole) expect(text string) {
	c.t.Helper()
	c.waitFor(fmt.Sprintf("%q", text), func() bool {
		i := bytes.Index(c.out[c.seen:], []byte(text))
		if i >= 0 {
			c.seen += i + len(text)
		}
		return i >= 0
	})
}

// keys types keys at a prompt that reads keys one at a time, once it
// reads them: when the terminal is out of line mode, in which it would
// echo them and take Ctrl-C as a signal. Reading the mode with TCGETS is
// what makes this file Linux's only.
func (c *terminalConsole) keys(keys string) {
	c.t.Helper()
	c.waitFor("the terminal out of line mode", func() bool {
		tio, err := unix.IoctlGetTermios(int(c.tty.Fd()), unix.TCGETS)
		return err == nil && tio.Lflag&unix.ICANON == 0
	})
	if _, err := c.ptmx.Write([]byte(keys)); err != nil {
		c.t.Fatal(err)
	}
}

// line types text and enter at a prompt that reads a line, once it asks
// where the cursor is, and ahead of the answer.
func (c *terminalConsole) line(text string) {
	c.t.Helper()
	c.waitFor("a line read", func() bool { return len(c.held) > 0 })
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.ptmx.Write(append([]byte(text+"\r"), c.held...)); err != nil {
		c.t.Fatal(err)
	}
	c.held = nil
}

// wait returns authgen's exit code and standard error once it ends.
func (c *terminalConsole) wait() (int, string) {
	c.t.Helper()
	select {
	case code := <-c.done:
		c.done <- code
		return code, c.stderr.String()
	case <-time.After(terminalTimeout):
		c.t.Fatalf("authgen did not end after %v; screen:\n%s", terminalTimeout, c.term)
		return 0, ""
	}
}
