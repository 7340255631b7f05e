package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/authgen/authgen/spec"
	"github.com/authgen/authgen/templates"
)

// Input is everything a plan is made from.
type Input struct {
	// Spec is authgen.yaml: the spec the plan renders, and the text the
	// plan writes back, which init and field change in memory first.
	Spec *spec.File
	// Module is the module path of the target module, from its go.mod.
	Module string
	// Lock is the lock of the previous run, or nil on the first.
	Lock *Lock
	// Version is the authgen version recorded in the lock.
	Version string
}

// File is one file of a plan.
type File struct {
	Path    string // slash-separated, relative to the module root
	Content []byte
	Owner   Owner
}

// Plan is the result of a run: the files to write, sorted by path, the
// lock that records them, and the modules the files import, which go.mod
// must require.
type Plan struct {
	Files        []File
	Lock         Lock
	Requirements []Requirement
}

// Generate renders the plan for in. It reads no disk and writes nothing:
// the same input gives the same plan, byte for byte.
func Generate(in Input) (Plan, error) {
	s := in.Spec.Spec()
	v, err := buildView(s, in.Module)
	if err != nil {
		return Plan{}, err
	}
	// Once a run: each template renders at most one file.
	tmpls, err := parseTemplates(templates.FS)
	if err != nil {
		return Plan{}, err
	}
	schema := schemaOf(s)
	writeInit := true
	var migration *File
	if in.Lock != nil && in.Lock.Schema != nil {
		writeInit = false
		changes, err := diffSchema(*in.Lock.Schema, s, v.Dialect)
		if err != nil {
			return Plan{}, err
		}
		if len(changes) > 0 {
			f := migrationFile(s.Package, nextMigration(in.Lock), changes)
			migration = &f
		}
		// A table that exists stays, though no backend uses it.
		for _, t := range serviceTables {
			*t.recorded(&schema) = *t.recorded(&schema) || *t.recorded(in.Lock.Schema)
		}
	}

	plan := Plan{
		Lock:         Lock{Version: LockVersion, Generator: in.Version, Files: map[string]LockedFile{}, Schema: &schema},
		Requirements: requirementsOf(s, v.Dialect),
	}
	var rows []outputFile
	for _, row := range outputFiles {
		if (row.owner == Migration && !writeInit) || (row.when != nil && !row.when(v)) {
			continue
		}
		rows = append(rows, row)
	}
	files, err := renderAll(tmpls, rows, v, s)
	if err != nil {
		return Plan{}, err
	}
	for _, f := range files {
		plan.Files = append(plan.Files, f)
		plan.Lock.Files[f.Path] = LockedFile{Owner: f.Owner, SHA256: Hash(f.Content)}
	}
	if !writeInit {
		// Past migrations are not re-rendered: they keep the checksum
		// they were written with.
		for p, lf := range in.Lock.Files {
			if lf.Owner == Migration {
				plan.Lock.Files[p] = lf
			}
		}
	}
	if migration != nil {
		plan.Files = append(plan.Files, *migration)
		plan.Lock.Files[migration.Path] = LockedFile{Owner: Migration, SHA256: Hash(migration.Content)}
	}
	plan.Files = append(plan.Files, File{Path: spec.FileName, Content: in.Spec.Bytes(), Owner: SpecOwned})
	slices.SortFunc(plan.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return plan, nil
}

// renderAll renders the files of rows, in their order, on as many
// goroutines as the machine runs at once: rendering and formatting are
// most of a run's time, and each file is independent of the others.
func renderAll(tmpls *template.Template, rows []outputFile, v view, s spec.Spec) ([]File, error) {
	files := make([]File, len(rows))
	errs := make([]error, len(rows))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(rows)) {
		wg.Go(func() {
			for i := range next {
				files[i], errs[i] = render(tmpls, rows[i], v, s)
			}
		})
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return files, nil
}

// render renders the file of row from its parsed template.
func render(tmpls *template.Template, row outputFile, v view, s spec.Spec) (File, error) {
	p := strings.NewReplacer("{pkg}", s.Package, "{server}", s.Server).Replace(row.path)
	if row.build != nil {
		content, err := row.build(v)
		if err != nil {
			return File{}, fmt.Errorf("building %s: %w", p, err)
		}
		return File{Path: p, Content: content, Owner: row.owner}, nil
	}
	name := row.templateFor(v.Dialect)
	var out bytes.Buffer
	if err := tmpls.ExecuteTemplate(&out, name, v); err != nil {
		return File{}, fmt.Errorf("rendering template %s: %w", name, err)
	}
	content := out.Bytes()
	if strings.HasSuffix(p, ".go") {
		formatted, err := formatGo(content, v.Module)
		if err != nil {
			return File{}, fmt.Errorf("formatting %s (from template %s): %w", p, name, err)
		}
		content = formatted
	}
	return File{Path: p, Content: content, Owner: row.owner}, nil
}

// parseTemplates parses every template of fsys into one set, each named by
// its path, which is what the table of output files names.
func parseTemplates(fsys fs.FS) (*template.Template, error) {
	set := template.New("").Funcs(templateFuncs).Option("missingkey=error")
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("reading template %s: %w", name, err)
		}
		if _, err := set.New(name).Parse(string(src)); err != nil {
			return fmt.Errorf("parsing template %s: %w", name, err)
		}
		return nil
	})
	return set, err
}

var templateFuncs = template.FuncMap{
	// rawString writes s as a Go raw string literal, which keeps SQL
	// readable in the generated code.
	"rawString": func(s string) string {
		if strings.Contains(s, "`") {
			return fmt.Sprintf("%q", s)
		}
		return "`" + s + "`"
	},
	"quote": func(s string) string { return fmt.Sprintf("%q", s) },
}

// Hash returns the hex SHA-256 of content, as recorded in the lock.
func Hash(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}
