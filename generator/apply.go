package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// LockFile is the name of the lock in the module root.
const LockFile = "authgen.lock"

// Action is what applying a plan does to one file.
type Action string

// The actions, as --dry-run prints them.
const (
	Create    Action = "create"
	Overwrite Action = "overwrite"
	Identical Action = "identical"
	Skip      Action = "skip (user-owned)"
	Delete    Action = "delete"
	// Conflict is a file authgen must not change: a generated file edited
	// by hand, or a migration that differs from what was written.
	Conflict Action = "conflict"
)

// Change is what applying a plan does, or would do, to one file.
type Change struct {
	Path    string
	Owner   Owner
	Action  Action
	Content []byte // for Create and Overwrite
	// Why says, for a conflict, what is wrong, and for a create of a
	// migration, that it is new.
	Why string
}

// Diff compares a plan with the module tree at root and the lock of the
// previous run (nil on the first), and returns a change for every file
// the plan or the lock names, sorted by path.
func Diff(root string, plan Plan, prev *Lock) ([]Change, error) {
	var changes []Change
	planned := map[string]bool{}
	for _, f := range plan.Files {
		planned[f.Path] = true
		disk, err := readFile(root, f.Path)
		if err != nil {
			return nil, err
		}
		c := Change{Path: f.Path, Owner: f.Owner, Content: f.Content}
		switch {
		case disk == nil:
			c.Action = Create
			if f.Owner == Migration {
				c.Why = "migration pending"
			}
		case f.Owner == UserOwned:
			c.Action = Skip
		case bytes.Equal(disk, f.Content):
			c.Action = Identical
		case f.Owner == SpecOwned:
			// An edit the command made in memory: init and field write
			// authgen.yaml with the files it makes.
			c.Action = Overwrite
		case f.Owner == Migration:
			c.Action, c.Why = Conflict, "past migration changed"
		case prev != nil && prev.Files[f.Path].SHA256 == Hash(disk):
			c.Action = Overwrite
		default:
			c.Action, c.Why = Conflict, "edited by hand"
		}
		changes = append(changes, c)
	}
	if prev != nil {
		for _, p := range slices.Sorted(maps.Keys(prev.Files)) {
			lf := prev.Files[p]
			if planned[p] {
				continue
			}
			disk, err := readFile(root, p)
			if err != nil {
				return nil, err
			}
			switch {
			case lf.Owner == Migration && disk == nil:
				changes = append(changes, Change{Path: p, Owner: lf.Owner, Action: Conflict, Why: "past migration missing"})
			case lf.Owner == Migration && Hash(disk) != lf.SHA256:
				changes = append(changes, Change{Path: p, Owner: lf.Owner, Action: Conflict, Why: "past migration changed"})
			case lf.Owner == Migration:
				changes = append(changes, Change{Path: p, Owner: lf.Owner, Action: Identical})
			case lf.Owner == Generated && disk != nil && Hash(disk) == lf.SHA256:
				changes = append(changes, Change{Path: p, Owner: lf.Owner, Action: Delete})
			case lf.Owner == Generated && disk != nil:
				changes = append(changes, Change{Path: p, Owner: lf.Owner, Action: Conflict, Why: "no longer generated, but edited by hand"})
			}
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// readFile returns the content of the file at the slash path p under root,
// or nil when there is none.
func readFile(root, p string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return data, nil
}

// Drift is one way the tree differs from what authgen would write.
type Drift struct {
	Path string
	Code string
}

// Drifts returns what --check reports for changes and the lock: every file
// that applying the plan would change or that must not have changed, and
// the lock itself when it is missing or out of date.
func Drifts(changes []Change, plan Plan, prev *Lock) []Drift {
	var drifts []Drift
	for _, c := range changes {
		var code string
		switch {
		case c.Owner == SpecOwned:
			// authgen.yaml is what the tree is checked against.
			continue
		case c.Action == Create && c.Owner == Migration:
			code = "migration pending"
		case c.Action == Create && c.Owner == Generated:
			code = "missing"
		case c.Action == Overwrite:
			code = "modified"
		case c.Action == Delete:
			code = "stale"
		case c.Action == Conflict:
			code = c.Why
		default:
			continue
		}
		drifts = append(drifts, Drift{Path: c.Path, Code: code})
	}
	if prev == nil || !sameLock(*prev, plan.Lock) {
		drifts = append(drifts, Drift{Path: LockFile, Code: "lock out of date"})
	}
	return drifts
}

// sameLock compares locks without their generator version: a new authgen
// release alone is no drift.
func sameLock(a, b Lock) bool {
	a.Generator, b.Generator = "", ""
	return bytes.Equal(a.Bytes(), b.Bytes())
}

// Conflicts returns the changes that stop a run: with force, a generated
// file edited by hand may be overwritten, but a migration never is.
func Conflicts(changes []Change, force bool) []Change {
	var out []Change
	for _, c := range changes {
		if c.Action == Conflict && (!force || c.Owner == Migration) {
			out = append(out, c)
		}
	}
	return out
}

// Apply writes changes and the lock under root. Conflicts, which the
// caller has either refused or forced, are overwritten when the plan has
// their content and deleted when it has none (a generated file no longer
// generated). Every file is written to a temporary file beside it first,
// and only when all of them are written are they renamed into place, the
// lock last: a failure while writing leaves the tree as it was. A rename
// that fails after others succeeded (a full disk cannot cause one; a
// directory made unwritable meanwhile can) leaves the lock as it was, so
// the next run sees the files renamed as edited by hand. A file replaced
// keeps its permissions.
func Apply(root string, changes []Change, lock Lock) error {
	type write struct{ tmp, dst string }
	var writes []write
	var removes []string
	cleanup := func() {
		for _, w := range writes {
			os.Remove(w.tmp)
		}
	}
	stage := func(p string, content []byte) error {
		dst := filepath.Join(root, filepath.FromSlash(p))
		mode := fs.FileMode(0o644)
		if info, err := os.Stat(dst); err == nil {
			mode = info.Mode().Perm()
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("creating the directory of %s: %w", p, err)
		}
		tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".authgen-*")
		if err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		writes = append(writes, write{tmp: tmp.Name(), dst: dst})
		if _, err := tmp.Write(content); err != nil {
			tmp.Close()
			return fmt.Errorf("writing %s: %w", p, err)
		}
		if err := tmp.Chmod(mode); err != nil {
			tmp.Close()
			return fmt.Errorf("writing %s: %w", p, err)
		}
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		return nil
	}
	for _, c := range changes {
		switch {
		case c.Action == Create, c.Action == Overwrite, c.Action == Conflict && c.Content != nil && c.Owner == Generated:
			if err := stage(c.Path, c.Content); err != nil {
				cleanup()
				return err
			}
		case c.Action == Delete, c.Action == Conflict && c.Content == nil && c.Owner == Generated:
			removes = append(removes, filepath.Join(root, filepath.FromSlash(c.Path)))
		}
	}
	if err := stage(LockFile, lock.Bytes()); err != nil {
		cleanup()
		return err
	}
	for i, w := range writes {
		if err := os.Rename(w.tmp, w.dst); err != nil {
			cleanup()
			return fmt.Errorf("moving %s into place (%d of %d files written): %w", w.dst, i, len(writes), err)
		}
	}
	for _, p := range removes {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("deleting stale %s: %w", p, err)
		}
	}
	return nil
}

// FormatDrifts lists drifts one a line, as `--check` prints them.
func FormatDrifts(drifts []Drift) string {
	var b strings.Builder
	for _, d := range drifts {
		fmt.Fprintf(&b, "%-26s %s\n", d.Code, d.Path)
	}
	return b.String()
}
